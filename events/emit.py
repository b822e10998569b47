"""`emit(name, resource, actor=..., organization=..., **data)`: the one call domain code makes after
a change has committed (`transaction.on_commit(lambda: emit(...))`).

The event becomes an audit record (user actions: any event with an actor, plus sign-in
failures), in-app and e-mail notifications for the users whose preferences ask for them, and
webhook deliveries queued for the organization's webhooks (and its partners' that subscribed to
customer events). Steering keywords: `impersonator` (user), `ip`, `recipients` (users or ids to
notify instead of the organization's members), `dedupe_key`, `title` and `message` (notification
text); every other keyword is recorded with the event and sent in the webhook's `data`.

Failures are logged, never raised: the change the event describes has already happened."""

import logging

from django.db import connection, transaction

logger = logging.getLogger("events")


def emit(name, resource=None, *, actor=None, organization=None, **data):
    from events.event import build_event
    from events.services import audit, notifications, webhooks

    try:
        event = build_event(name, resource, actor, organization, data)
    except Exception:
        logger.exception("event %s could not be built", name)
        return None
    logger.debug("event %s on %s %s by %s", name, event.resource_type, event.resource_id, getattr(actor, "pk", None))
    for step in (audit.record_event, notifications.notify, webhooks.queue_deliveries):
        try:
            if connection.in_atomic_block:
                with transaction.atomic():  # a failing step must not poison the caller's transaction
                    step(event)
            else:
                step(event)
        except Exception:
            logger.exception("%s failed for event %s", step.__qualname__, name)
    return event

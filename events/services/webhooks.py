"""Webhooks (events.md): saving them (URL checks, encrypted secret, partner subscriptions),
queueing deliveries for emitted events, redelivery and the test ping."""

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config import crypto
from config.api.errors import InvalidInput
from config.api.timestamps import iso_timestamp
from events import catalogue
from events.choices import WebhookState
from events.models import Webhook, WebhookDelivery
from events.services import ssrf
from events.services.whitelabel import ancestry

EDITABLE = ("name", "url", "events", "active", "include_customers")


def check_url(url):
    try:
        ssrf.check_url(url)
    except ssrf.UnsafeTarget as error:
        raise InvalidInput.field("url", str(error)) from None


def _apply(webhook, fields, organization):
    if "url" in fields:
        check_url(fields["url"])
    if fields.get("include_customers") and not (organization.partner or organization.is_staff_organization):
        raise InvalidInput.field("include_customers", "is only available to partner organizations")
    for name in EDITABLE:
        if name in fields:
            setattr(webhook, name, fields[name])
    if "secret" in fields:
        webhook.secret_encrypted = crypto.encrypt(fields["secret"]) if fields["secret"] else ""
    if fields.get("active") is True:
        # Re-enabling is a PUT (events.md): a disabled or failing webhook starts afresh.
        webhook.state, webhook.failing_since = WebhookState.ACTIVE, None


@transaction.atomic
def create_webhook(actor, organization, fields):
    webhook = Webhook(organization=organization, created_by=actor if getattr(actor, "pk", None) else None)
    _apply(webhook, fields, organization)
    webhook.save()
    return webhook


def create_webhook_for(actor, fields):
    """POST /v2/webhooks: for the caller's organization, or `organization_id` among the
    organizations it can see (staff: any; partners: their customers too)."""
    fields = dict(fields)
    return create_webhook(actor, _organization_for(actor, fields.pop("organization_id", None)), fields)


def _organization_for(actor, organization_id):
    organizations = apps.get_model("organizations", "Organization").objects.all()
    if organization_id is None:
        return organizations.get(pk=actor.organization_id)
    visible = actor.visible_organization_ids()
    if visible is not None:
        organizations = organizations.filter(pk__in=visible)
    organization = organizations.filter(pk=organization_id).first()
    if organization is None:
        raise InvalidInput.field("organization_id", "was not found")
    return organization


@transaction.atomic
def update_webhook(actor, webhook, fields):
    _apply(webhook, fields, webhook.organization)
    webhook.save()
    return webhook


def secret_of(webhook):
    return crypto.decrypt(webhook.secret_encrypted) if webhook.secret_encrypted else ""


# --- deliveries ------------------------------------------------------------------------------

def subscribers(event_name, organization_id):
    """Active webhooks of the organization subscribed to the event, plus those of its partner
    ancestors that asked for their customers' events."""
    chain = ancestry(organization_id)
    hooks = Webhook.objects.filter(organization_id__in=chain, active=True).exclude(state=WebhookState.DISABLED)
    return [
        hook for hook in hooks
        if event_name in (hook.events or []) and (hook.organization_id == organization_id or hook.include_customers)
    ]


def payload(delivery_id, event_name, occurred_at, organization, data):
    return {
        "event": event_name, "delivery_id": str(delivery_id), "occurred_at": iso_timestamp(occurred_at),
        "organization": {"id": str(organization.pk), "name": organization.name} if organization else None,
        "data": data,
    }


def event_data(event):
    from events import registry

    data = registry.attributes_of(event.resource) if event.resource is not None else {}
    data.update(event.public_data())
    return data


def queue_deliveries(event):
    """One delivery per subscribed webhook, each sent by a task (worker)."""
    if event.name not in catalogue.SUBSCRIBABLE or event.name == "ping" or event.organization_id is None:
        return []
    hooks = subscribers(event.name, event.organization_id)
    if not hooks:
        return []
    data = event_data(event)
    deliveries = []
    now = timezone.now()
    for hook in hooks:
        # Pending deliveries show when they are tried: now for the first attempt, the retry's
        # time once an attempt failed (delivery.py); null once settled.
        delivery = WebhookDelivery(webhook=hook, event=event.name, next_attempt_at=now)
        delivery.payload = payload(delivery.pk, event.name, event.occurred_at, event.organization, data)
        deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    _enqueue(deliveries)
    return deliveries


def _enqueue(deliveries):
    from events.tasks import deliver_webhook

    for delivery in deliveries:
        deliver_webhook.enqueue(str(delivery.pk))


def redeliver(delivery):
    """A new delivery of the same event and data (new delivery id), queued now."""
    copy = WebhookDelivery(webhook=delivery.webhook, event=delivery.event, redelivery_of=delivery,
                           is_test=delivery.is_test, next_attempt_at=timezone.now())
    copy.payload = {**delivery.payload, "delivery_id": str(copy.pk)}
    copy.save()
    transaction.on_commit(lambda: _enqueue([copy]))
    return copy


def ping(webhook, actor=None):
    """POST /v2/webhooks/{id}/test: a `ping` delivery sent now, never retried."""
    from events.services.delivery import attempt

    delivery = WebhookDelivery(webhook=webhook, event="ping", is_test=True)
    data = {"message": "Hello from CG Scanning: this is a test delivery.", "webhook_id": str(webhook.pk),
            "requested_by": getattr(actor, "username", None)}
    organization = apps.get_model("organizations", "Organization").objects.get(pk=webhook.organization_id)
    delivery.payload = payload(delivery.pk, "ping", timezone.now(), organization, data)
    delivery.save()
    attempt(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def retry_delays():
    return list(settings.WEBHOOK_RETRY_DELAYS)

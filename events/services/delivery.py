"""Sending one delivery (events.md, Webhooks): the signed POST, the delivery log, retries with
increasing delays through the task queue, and the webhook's `active → failing → disabled`
state with its owners notified."""

import hashlib
import hmac
import json
import logging
import subprocess
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.choices import WebhookState
from events.models import Webhook, WebhookDelivery
from events.services import http
from events.services.webhooks import retry_delays, secret_of

logger = logging.getLogger("events")


@lru_cache(maxsize=1)
def user_agent():
    """`CloneGuard-Hook/<short hash>`: the build's commit (WEBHOOK_USER_AGENT_VERSION, else git)."""
    version = settings.WEBHOOK_USER_AGENT_VERSION
    if not version:
        try:
            version = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                     timeout=2, cwd=settings.BASE_DIR, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            version = ""
    return f"CloneGuard-Hook/{version or '0000000'}"


def body_of(delivery):
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers_for(delivery, body, secret):
    headers = {
        "Content-Type": "application/json", "User-Agent": user_agent(),
        "X-CG-Hook-Event": delivery.event, "X-CG-Hook-Delivery": str(delivery.pk),
    }
    if secret:
        headers["X-CG-Hook-Signature"] = signature(secret, body)
    return headers


def attempt(delivery_id):
    """Send a delivery once; schedule the next attempt or settle it. Returns the delivery."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.succeeded is not None:
        return delivery
    webhook = delivery.webhook
    if not delivery.is_test and (not webhook.active or webhook.state == WebhookState.DISABLED):
        return _settle(delivery, False, error="not sent: the webhook is disabled")
    body = body_of(delivery)
    try:
        secret = secret_of(webhook)
    except Exception:
        return _settle(delivery, False, error="not sent: the webhook's secret cannot be decrypted (FIELD_ENCRYPTION_KEY)")
    outcome = http.post(webhook.url, body, headers_for(delivery, body, secret))
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_status, delivery.response_body = outcome.status, outcome.body
    delivery.error, delivery.duration_ms = outcome.error[:255], outcome.duration_ms
    Webhook.objects.filter(pk=webhook.pk).update(last_delivery_at=now, last_status=outcome.status)
    if outcome.ok:
        delivery.delivered_at = now
        _healthy(webhook)
        return _settle(delivery, True)
    disabled = False if delivery.is_test else _failing(webhook, now)
    delays = retry_delays()
    if delivery.is_test or disabled or delivery.attempts > len(delays):
        return _settle(delivery, False)
    return _retry_later(delivery, now + timedelta(seconds=delays[delivery.attempts - 1]))


def _settle(delivery, succeeded, error=None):
    delivery.succeeded, delivery.next_attempt_at = succeeded, None
    if error:
        delivery.error = error
    delivery.save()
    return delivery


def _retry_later(delivery, when):
    from events.tasks import deliver_webhook

    delivery.next_attempt_at = when
    delivery.save()
    deliver_webhook.using(run_after=when).enqueue(str(delivery.pk))
    return delivery


def _healthy(webhook):
    Webhook.objects.filter(pk=webhook.pk, state=WebhookState.FAILING).update(
        state=WebhookState.ACTIVE, failing_since=None)


def _failing(webhook, now):
    """First failure: `failing`. Still failing a day (WEBHOOK_DISABLE_AFTER) later: `disabled`,
    and its owners hear about it. Conditional updates: concurrent workers flip it once."""
    Webhook.objects.filter(pk=webhook.pk, state=WebhookState.ACTIVE).update(state=WebhookState.FAILING, failing_since=now)
    disabled = Webhook.objects.filter(
        pk=webhook.pk, state=WebhookState.FAILING, failing_since__lte=now - settings.WEBHOOK_DISABLE_AFTER,
    ).update(state=WebhookState.DISABLED, active=False)
    if disabled:
        logger.warning("webhook %s disabled: its deliveries have failed for %s", webhook.pk, settings.WEBHOOK_DISABLE_AFTER)
        _notify_owners(Webhook.objects.get(pk=webhook.pk))
    return bool(disabled)


def owners(webhook):
    """Who hears that a webhook was disabled: its creator and its organization's managers."""
    users = get_user_model().objects.filter(is_active=True, organization_id=webhook.organization_id,
                                            role__in=("Manager", "Partner", "Admin"))
    ids = set(users.values_list("pk", flat=True))
    if webhook.created_by_id:
        ids.add(webhook.created_by_id)
    return ids


def _notify_owners(webhook):
    from events.emit import emit

    emit("webhook_disabled", webhook, organization=webhook.organization_id, recipients=list(owners(webhook)),
         dedupe_key=f"webhook_disabled:{webhook.pk}:{webhook.failing_since.isoformat()}")

from django.conf import settings
from django.db import models

from config.api.models import TimestampedModel
from events.choices import WebhookState


class Webhook(TimestampedModel):
    """An organization's HTTP endpoint for events (events.md, Webhooks). The signing secret is
    encrypted at rest (config.crypto) and never returned."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="webhooks")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    name = models.CharField(max_length=255)
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField(blank=True, default="", editable=False)
    active = models.BooleanField(default=True)
    include_customers = models.BooleanField(
        default=False, help_text="Partner organizations: also receive the events of customer organizations.",
    )
    state = models.CharField(max_length=16, choices=WebhookState.choices, default=WebhookState.ACTIVE)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["organization", "created_at"], name="webhook_org_created"),
            models.Index(fields=["organization", "name"], name="webhook_org_name"),
            models.Index(fields=["organization", "last_delivery_at"], name="webhook_org_last_delivery"),
        ]

    def __str__(self):
        return self.name

    @property
    def secret_set(self):
        return bool(self.secret_encrypted)


class WebhookDelivery(TimestampedModel):
    """One event sent (or to be sent) to one webhook; `id` is the X-CG-Hook-Delivery header.
    Retries update the same row; a redelivery is a new row pointing at the original."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    error = models.CharField(max_length=255, blank=True, default="")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(null=True, blank=True, help_text="Empty while attempts remain.")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    is_test = models.BooleanField(default=False)
    redelivery_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_created"),
            models.Index(fields=["webhook", "event"], name="delivery_webhook_event"),
        ]

    def __str__(self):
        return f"{self.event} → {self.webhook_id}"

    @property
    def status(self):
        if self.succeeded is None:
            return "pending"
        return "succeeded" if self.succeeded else "failed"

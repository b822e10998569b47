from django.conf import settings
from django.db import models

from config.api.models import TimestampedModel
from events.choices import NotificationKind


class Notification(TimestampedModel):
    """An in-app notification. It belongs to one user and only that user sees it; one per event
    per user (`dedupe_key`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organization_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    event = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    message = models.TextField(blank=True, default="")
    resource_type = models.CharField(max_length=64, blank=True, default="")
    resource_id = models.CharField(max_length=64, blank=True, default="")
    dedupe_key = models.CharField(max_length=200)
    read = models.BooleanField(default=False)
    seen = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(fields=["user", "read"], name="notification_user_read"),
            models.Index(fields=["user", "seen"], name="notification_user_seen"),
            models.Index(fields=["user", "kind"], name="notification_user_kind"),
        ]

    def __str__(self):
        return self.title

from django.conf import settings
from django.db import models

from config.api.models import TimestampedModel


class NotificationKind(models.TextChoices):
    """Preference names [doc] (events.md, Notifications)."""

    SCAN_EVENT = "scan_event"
    REPORT_EVENT = "report_event"
    EXCEPTION_EVENT = "exception_event"
    OVERDUE_PCI_REMINDER = "overdue_pci_reminder"


class NotificationPreference(TimestampedModel):
    """How one user wants to hear about one kind of event. A missing row means the defaults
    (accounts.services.preferences.DEFAULTS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
    )
    name = models.CharField(max_length=32, choices=NotificationKind.choices)
    enabled = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="notification_preference_unique")]

    def __str__(self):
        return f"{self.name} preference of {self.user_id}"

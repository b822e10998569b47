from django.db import models


class NotificationKind(models.TextChoices):
    """Preference names [doc] plus `system` (webhook disabled and other platform notices)."""

    SCAN_EVENT = "scan_event"
    REPORT_EVENT = "report_event"
    EXCEPTION_EVENT = "exception_event"
    OVERDUE_PCI_REMINDER = "overdue_pci_reminder"
    SYSTEM = "system"


class WebhookState(models.TextChoices):
    ACTIVE = "active"
    FAILING = "failing"
    DISABLED = "disabled"


class AuditSource(models.TextChoices):
    API = "api"
    ADMIN = "admin"
    EVENT = "event"  # emitted by domain code (sign-ins, tokens, 2FA, scans started...)


CHANNELS = ("in_app", "email")

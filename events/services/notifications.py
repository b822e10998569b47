"""In-app and e-mail notifications (events.md, Notifications): one per event per user, for the
users whose preferences ask for that kind through that channel."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from events.choices import NotificationKind
from events.models import Notification
from events.services import preferences, texts

# Which events notify, under which preference name. Others (scan_started, vulnerability_new...)
# reach integrations through webhooks only: no notification floods.
EVENT_KINDS = {
    "scan_completed": NotificationKind.SCAN_EVENT,
    "scan_failed": NotificationKind.SCAN_EVENT,
    "scan_stopped": NotificationKind.SCAN_EVENT,
    "report_generated": NotificationKind.REPORT_EVENT,
    "exception_created": NotificationKind.EXCEPTION_EVENT,
    "exception_expired": NotificationKind.EXCEPTION_EVENT,
    "overdue_pci_reminder": NotificationKind.OVERDUE_PCI_REMINDER,
    "webhook_disabled": NotificationKind.SYSTEM,
}


def recipients(event):
    """The users an event concerns: `recipients` given by the emitter, else the active members
    of its organization."""
    users = get_user_model().objects.filter(is_active=True)
    explicit = event.data.get("recipients")
    if explicit is not None:
        return list(users.filter(pk__in=[getattr(u, "pk", u) for u in explicit]))
    if event.organization_id is None:
        return []
    return list(users.filter(organization_id=event.organization_id))


def notify(event):
    """Create the in-app notifications and queue the e-mails of an event; returns the in-app ones."""
    kind = EVENT_KINDS.get(event.name)
    if kind is None:
        return []
    users = recipients(event)
    if not users:
        return []
    title, message = texts.describe(event)
    dedupe_key = str(event.data.get("dedupe_key") or f"{event.name}:{event.id}")[:200]
    rows = [
        Notification(
            user=user, organization_id=event.organization_id, kind=kind, event=event.name, title=title,
            message=message, resource_type=event.resource_type, resource_id=event.resource_id, dedupe_key=dedupe_key,
        )
        for user in preferences.wanting(users, kind, "in_app")
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    mail_to = [user for user in preferences.wanting(users, kind, "email") if mailable(user)]
    if mail_to:
        from events.tasks import send_notification_emails

        send_notification_emails.enqueue(
            user_ids=[str(user.pk) for user in mail_to], kind=str(kind), title=title, message=message,
            organization_id=str(event.organization_id) if event.organization_id else None,
            dedupe_key=dedupe_key, resource_type=event.resource_type or "", resource_id=str(event.resource_id or ""),
            members_only=event.data.get("recipients") is None,
        )
    return rows


def mailable(user):
    """E-mail goes to active users with an address they confirmed (an unconfirmed address may be
    someone else's: a typo, or an account made in their name)."""
    return bool(user.is_active and user.email and getattr(user, "confirmed", False))


def mark(queryset, field):
    """Set `read` or `seen` (with its time) on the given notifications; returns how many changed.
    Reading a notification also means it has been seen."""
    now = timezone.now()
    updates = {field: True, f"{field}_at": now}
    if field == "read":
        queryset.filter(seen=False).update(seen=True, seen_at=now)
    return queryset.filter(**{field: False}).update(**updates)

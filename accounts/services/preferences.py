"""Notification preferences (events.md, Notifications): one per user and kind, with the
channels `in_app` and `email` and a master switch `enabled`. The events app asks
`preference_for(user, name)` (or `recipients(...)` for many users) before notifying."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When

from accounts.models import NotificationKind, NotificationPreference
from config.api.errors import InvalidInput

CHANNELS = ("in_app", "email")
NAMES = tuple(NotificationKind.values)
# Both channels on for scan and report events; exceptions and the overdue-PCI reminder only
# in the app until the user asks for e-mail.
DEFAULTS = {
    NotificationKind.SCAN_EVENT: {"enabled": True, "in_app": True, "email": True},
    NotificationKind.REPORT_EVENT: {"enabled": True, "in_app": True, "email": True},
    NotificationKind.EXCEPTION_EVENT: {"enabled": True, "in_app": True, "email": False},
    NotificationKind.OVERDUE_PCI_REMINDER: {"enabled": True, "in_app": True, "email": False},
}


@dataclass(frozen=True)
class Preference:
    name: str
    enabled: bool
    in_app: bool
    email: bool

    def wants(self, channel):
        """Should this user get the notification through `channel` ("in_app" or "email")?"""
        return self.enabled and bool(getattr(self, channel))


def check_name(name):
    if name not in NAMES:
        raise InvalidInput.field("name", f"must be one of: {', '.join(NAMES)}")
    return name


def preference_for(user, name):
    """The effective preference (stored, or the default) of one user for one kind."""
    check_name(name)
    row = NotificationPreference.objects.filter(user=user, name=name).first()
    values = {f: getattr(row, f) for f in ("enabled", "in_app", "email")} if row else DEFAULTS[name]
    return Preference(name=name, **values)


def recipients(users, name, channel):
    """The users (of an iterable) who want `name` through `channel`, in one query."""
    check_name(name)
    users = list(users)
    stored = {
        p.user_id: Preference(name=name, enabled=p.enabled, in_app=p.in_app, email=p.email)
        for p in NotificationPreference.objects.filter(user__in=users, name=name)
    }
    default = Preference(name=name, **DEFAULTS[name])
    return [u for u in users if stored.get(u.pk, default).wants(channel)]


def preferences_of(user):
    """Every kind for this user as stored rows (missing ones are created with the defaults),
    in the documented order."""
    existing = set(NotificationPreference.objects.filter(user=user).values_list("name", flat=True))
    missing = [NotificationPreference(user=user, name=n, **DEFAULTS[n]) for n in NAMES if n not in existing]
    if missing:
        NotificationPreference.objects.bulk_create(missing, ignore_conflicts=True)
    order = Case(*[When(name=n, then=Value(i)) for i, n in enumerate(NAMES)], output_field=IntegerField())
    return NotificationPreference.objects.filter(user=user).annotate(_order=order).order_by("_order")


def update_preference(user, name, fields):
    """Set some of enabled / in_app / email for one kind; returns the stored row."""
    check_name(name)
    try:
        with transaction.atomic():
            row, _ = NotificationPreference.objects.get_or_create(user=user, name=name, defaults=DEFAULTS[name])
    except IntegrityError:  # created concurrently
        row = NotificationPreference.objects.get(user=user, name=name)
    for field, value in fields.items():
        setattr(row, field, value)
    row.save()
    return row

"""Which users want a notification kind through a channel. The preferences live in accounts
(accounts.services.preferences: `recipients(users, name, channel)` in one query, or
`preference_for(user, name)`); events reads them through this adapter only, at call time, so it
never imports accounts when loaded and still works (with the documented defaults) without it."""

import importlib
import logging

from events.choices import NotificationKind

logger = logging.getLogger("events")

# events.md: both channels on by default for scan and report events.
DEFAULTS = {
    NotificationKind.SCAN_EVENT: {"in_app": True, "email": True},
    NotificationKind.REPORT_EVENT: {"in_app": True, "email": True},
    NotificationKind.EXCEPTION_EVENT: {"in_app": True, "email": False},
    NotificationKind.OVERDUE_PCI_REMINDER: {"in_app": True, "email": False},
    NotificationKind.SYSTEM: {"in_app": True, "email": True},
}


def _accounts_preferences():
    try:
        return importlib.import_module("accounts.services.preferences")
    except ImportError:
        return None


def wanting(users, kind, channel):
    """The users (of a list) who want `kind` notifications through `channel`."""
    users = list(users)
    if not users:
        return []
    if kind == NotificationKind.SYSTEM:  # platform notices (a webhook was disabled): no opt-out
        return users
    module = _accounts_preferences()
    if module is not None and hasattr(module, "recipients"):
        return list(module.recipients(users, kind, channel))
    if module is not None and hasattr(module, "preference_for"):
        return [user for user in users if _wants(module.preference_for(user, kind), channel)]
    return users if DEFAULTS.get(kind, {}).get(channel, False) else []


def _wants(preference, channel):
    if hasattr(preference, "wants"):
        return preference.wants(channel)
    if isinstance(preference, dict):
        return preference.get("enabled", True) and bool(preference.get(channel))
    if isinstance(preference, (list, tuple, set, frozenset)):
        return channel in preference
    return bool(getattr(preference, "enabled", True) and getattr(preference, channel, False))

"""The daily overdue-PCI reminder (events.md, Notifications). Which organizations must keep a
passing PCI scan, and when they last passed one, comes from the scanning app through
events.registry.register_pci_verdict_source; with no source registered nothing is overdue."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from events import registry


def overdue(now=None):
    """(organization id, last passing time or None) of every organization past the window."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PCI_SCAN_WINDOW_DAYS)
    return [(org_id, last) for org_id, last in registry.pci_verdicts() if last is None or last < cutoff]


def send_reminders(now=None):
    """One reminder per overdue organization per day; returns how many were sent."""
    from events.emit import emit
    from events.services.values import plain

    now = now or timezone.now()
    sent = 0
    for organization_id, last in overdue(now):
        emit("overdue_pci_reminder", organization=organization_id, last_passing_at=plain(last),
             dedupe_key=f"overdue_pci_reminder:{organization_id}:{now.date().isoformat()}")
        sent += 1
    return sent

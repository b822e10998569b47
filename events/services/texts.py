"""The words of notifications: a title and a message per event name."""

from django.conf import settings

TITLES = {
    "scan_started": "Scan {name} started",
    "scan_completed": "Scan {name} completed",
    "scan_stopped": "Scan {name} was stopped",
    "scan_failed": "Scan {name} failed",
    "report_generated": "Report {name} is ready",
    "exception_created": "Exception created: {name}",
    "exception_expired": "Exception expired: {name}",
    "vulnerability_new": "New vulnerabilities found by {name}",
    "overdue_pci_reminder": "A passing PCI scan is overdue",
    "webhook_disabled": "Webhook {name} was disabled",
}
MESSAGES = {
    "scan_completed": "The scan {name} has finished. Open it to see its results and report.",
    "scan_failed": "The scan {name} could not finish. {error}",
    "scan_stopped": "The scan {name} was stopped before it finished.",
    "report_generated": "The report {name} has been generated and can be downloaded.",
    "exception_created": "A new exception changes how findings are reported: {name}.",
    "exception_expired": "The exception {name} has expired; the findings it covered count again.",
    "overdue_pci_reminder": (
        "{organization} has no passing PCI scan in the last {window} days{last}. "
        "Run a PCI scan to stay compliant."
    ),
    "webhook_disabled": (
        "Deliveries to {url} kept failing, so the webhook {name} was disabled. Fix the receiver, then "
        "re-enable the webhook (PUT /v2/webhooks/{id} with active: true)."
    ),
}


def describe(event):
    """(title, message) of an event; `title`/`message` keywords override them."""
    values = {
        "name": event.resource_repr or event.resource_type or "", "id": event.resource_id,
        "url": getattr(event.resource, "url", ""), "error": event.data.get("error", "") or "",
        "organization": getattr(event.organization, "name", "Your organization"),
        "window": settings.PCI_SCAN_WINDOW_DAYS, "last": _last(event.data.get("last_passing_at")),
    }
    title = event.data.get("title") or TITLES.get(event.name, event.name.replace("_", " ").capitalize())
    message = event.data.get("message") or MESSAGES.get(event.name, "")
    return _fill(title, values)[:255], _fill(message, values).strip()


def _last(value):
    if not value:
        return " (it has never passed one)"
    return f" (the last one passed on {str(value)[:10]})"


def _fill(text, values):
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text

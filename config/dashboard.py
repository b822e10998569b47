"""The admin's landing dashboard (docs/admin.md): what staff want to see first.

Every part is a fixed number of queries, whatever the number of scans, organizations or
webhooks (tests/admin/test_dashboard.py pins the index page's count). The findings part is
read only when the findings app is installed, and imported lazily so that this module loads
without it."""

from django.apps import apps
from django.db.models import Count

from events.choices import WebhookState
from events.models import Webhook
from organizations.choices import LIVE_STATUSES
from organizations.models import Subscription
from organizations.services.limits import USAGE_CALCULATORS, catalogue_codes
from scanning.choices import ACTIVE_RUN_STATUSES
from scanning.models import Scan, ScanRun

ACTIVE_SHOWN = 20
RECENT_SHOWN = 10
NEAR_LIMIT_SHOWN = 10
FAILING_SHOWN = 10
NEAR_LIMIT_RATIO = 0.8  # an organization using 80% of its addresses is "near" its plan limit
OPEN_FINDING_STATUSES = ("new", "open", "reopened")
SEVERITY_LEVELS = ("high", "medium", "low", "log")


def dashboard_data():
    data = {
        "active_counts": active_counts(),
        "active_runs": list(_runs().filter(status__in=ACTIVE_RUN_STATUSES).order_by("created_at")[:ACTIVE_SHOWN]),
        "recent_runs": list(_runs().order_by("-created_at")[:RECENT_SHOWN]),
        "near_limits": organizations_near_limits(),
        "failing_webhooks": failing_webhooks(),
        "findings": None,
    }
    if apps.is_installed("findings"):
        data["findings"] = findings_summary()
    return data


def _runs():
    return ScanRun.objects.select_related("scan", "organization")


def active_counts():
    """{"running": n, "queued": n} (queued: waiting for a worker, including just requested)."""
    by_status = dict(ScanRun.objects.filter(status__in=ACTIVE_RUN_STATUSES).values_list("status").annotate(n=Count("id")))
    return {
        "running": by_status.get("running", 0) + by_status.get("stop_requested", 0),
        "queued": by_status.get("queued", 0) + by_status.get("requested", 0),
    }


def organizations_near_limits():
    """Live subscriptions whose `number_of_ips` usage is at least NEAR_LIMIT_RATIO of the limit,
    fullest first: [{"organization", "product", "plan", "used", "limit", "percent"}]."""
    subscriptions = [
        s for s in Subscription.objects.filter(status__in=LIVE_STATUSES).select_related("organization", "plan", "product")
        if s.limit_of("number_of_ips")[0] and s.limit_of("number_of_ips")[1]
    ]
    calculator = USAGE_CALCULATORS.get("number_of_ips")
    if not subscriptions or calculator is None:
        return []
    org_ids = sorted({s.organization_id for s in subscriptions})
    usage = {code: calculator(org_ids, code) for code in catalogue_codes()}  # one query per product
    rows = []
    for subscription in subscriptions:
        limit = subscription.limit_of("number_of_ips")[1]
        used = usage.get(subscription.product.code, {}).get(subscription.organization_id, 0)
        if used >= limit * NEAR_LIMIT_RATIO:
            rows.append({"organization": subscription.organization, "product": subscription.product.code,
                         "plan": subscription.plan.code, "used": used, "limit": limit,
                         "percent": round(100 * used / limit)})
    rows.sort(key=lambda row: (-row["used"] / row["limit"], row["organization"].name))
    return rows[:NEAR_LIMIT_SHOWN]


def failing_webhooks():
    return list(
        Webhook.objects.exclude(state=WebhookState.ACTIVE).select_related("organization")
        .order_by("failing_since", "name")[:FAILING_SHOWN]
    )


def findings_summary():
    """Severity counts of the open current findings, and the PCI picture: how many targets have
    a latest scan verdict of pass, and how many of fail."""
    from findings.models import Finding

    by_level = dict(
        Finding.objects.filter(status__in=OPEN_FINDING_STATUSES).values_list("severity_level").annotate(n=Count("id"))
    )
    by_verdict = dict(
        Scan.objects.filter(pci_status__in=("pass", "fail")).values_list("pci_status")
        .annotate(targets=Count("target", distinct=True))
    )
    return {
        "severity_counts": [(level, by_level.get(level, 0)) for level in SEVERITY_LEVELS],
        "open_total": sum(by_level.get(level, 0) for level in SEVERITY_LEVELS),
        "pci_pass": by_verdict.get("pass", 0),
        "pci_fail": by_verdict.get("fail", 0),
    }

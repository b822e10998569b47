"""Concurrency limits without refusals: a started run waits in `queued` until both its
organization's plan (`concurrent_scans`, counted per product) and its scanner
(`max_concurrent_scans`) have a free slot; only then is its task handed to the queue. A run
holds a slot from that hand-over until it ends. Slots are re-dealt whenever they may have freed
up: after a start, a finish, a stop, the reconciler, and every scheduler pass (the safety net).

Two dispatchers never deal the same slot: on PostgreSQL they take one transaction-level
advisory lock; SQLite runs one writer at a time."""

import logging
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from organizations.services.limits import live_subscription
from scanning.choices import RunStatus
from scanning.models import ScanRun

logger = logging.getLogger("scanning.runs")
LOCK_KEY = 0x5C4E_D15A  # pg_advisory_xact_lock key of the dispatcher
BATCH = 200

HOLDS_SLOT = Q(status__in=(RunStatus.RUNNING, RunStatus.STOP_REQUESTED)) | Q(status=RunStatus.QUEUED, dispatched_at__isnull=False)
WAITING = Q(status=RunStatus.QUEUED, dispatched_at__isnull=True)


def dispatch_waiting():
    """Hand waiting runs to the task queue, oldest first, while slots are free. Returns them."""
    from .runs import send_to_queue

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        waiting = list(ScanRun.objects.filter(WAITING).select_related("scanner", "organization", "scan").order_by("created_at")[:BATCH])
        if not waiting:
            return []
        per_plan, per_scanner = _slots_in_use(waiting)
        plan_limits, dispatched = {}, []
        for run in waiting:
            plan_key = (run.organization_id, run.product)
            if plan_key not in plan_limits:
                plan_limits[plan_key] = _plan_limit(run.organization, run.product)
            scanner_limit = run.scanner.max_concurrent_scans if run.scanner else None
            if _full(per_plan[plan_key], plan_limits[plan_key]) or _full(per_scanner[run.scanner_id], scanner_limit):
                continue
            per_plan[plan_key] += 1
            per_scanner[run.scanner_id] += 1
            ScanRun.objects.filter(pk=run.pk).update(dispatched_at=timezone.now())
            dispatched.append(run)
    for run in dispatched:  # after the commit: a worker must see the run as dispatched
        send_to_queue(run)
    return dispatched


def _full(in_use, limit):
    return limit is not None and in_use >= limit


def _plan_limit(organization, product):
    subscription = live_subscription(organization, product)
    if subscription is None:
        return 0
    enabled, limit = subscription.limit_of("concurrent_scans")
    return limit if enabled else 0


def _slots_in_use(waiting):
    organizations = {run.organization_id for run in waiting}
    scanners = {run.scanner_id for run in waiting if run.scanner_id}
    holding = ScanRun.objects.filter(HOLDS_SLOT)
    per_plan = Counter({
        (row["organization_id"], row["product"]): row["n"]
        for row in holding.filter(organization_id__in=organizations).values("organization_id", "product").annotate(n=Count("id"))
    })
    per_scanner = Counter({
        row["scanner_id"]: row["n"] for row in holding.filter(scanner_id__in=scanners).values("scanner_id").annotate(n=Count("id"))
    })
    return per_plan, per_scanner

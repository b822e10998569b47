"""The run lifecycle (scanning.md): requested → queued → running → done | stopped | interrupted."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.api.errors import Conflict
from organizations.services import check_limit
from scanning.choices import ACTIVE_RUN_STATUSES, RunStatus, TriggeredBy
from scanning.models import Scan, ScanRun

from .common import emit_after_commit

logger = logging.getLogger("scanning.runs")


def active_run(scan):
    return scan.runs.filter(status__in=ACTIVE_RUN_STATUSES).order_by("-created_at").first()


def _check_concurrency(scan):
    """The plan must include scans at all (422 otherwise); its `concurrent_scans` limit never
    refuses a start: the run waits in `queued` for a slot (dispatch.py)."""
    check_limit(scan.organization, scan.product, "concurrent_scans", 0, current=0)


@transaction.atomic
def start_scan(scan, actor=None, triggered_by=TriggeredBy.USER):
    """Create a run and queue it; it runs when its plan and scanner have a free slot. 409 while
    one is active; 422 when the plan includes no scans."""
    # Lock the scan row only: PostgreSQL refuses FOR UPDATE on the nullable side of a join (schedule).
    scan = Scan.objects.select_for_update(of=("self",)).select_related("schedule", "scanner", "organization").get(pk=scan.pk)
    if active_run(scan) is not None:
        raise Conflict("The scan already has a run requested, queued or running")
    _check_concurrency(scan)
    now = timezone.now()
    duration = scan.schedule.duration if scan.schedule_id and scan.schedule.duration else None
    run = ScanRun.objects.create(
        scan=scan, organization=scan.organization, product=scan.product, scanner=scan.scanner,
        status=RunStatus.REQUESTED, triggered_by=triggered_by,
        deadline_at=now + timedelta(minutes=duration) if duration else None,
    )
    Scan.objects.filter(pk=scan.pk).update(
        status=RunStatus.REQUESTED, progress=0, last_history=run, run_count=F("run_count") + 1, last_run_at=now
    )
    transaction.on_commit(lambda: enqueue_run(run))
    if actor is not None:
        emit_after_commit("start_scan", scan, actor, run_id=str(run.pk))
    return run


def enqueue_run(run):
    """A committed start: the run waits in `queued`, and goes to the task queue as soon as its
    plan and scanner have a free slot (at once when they do)."""
    from .dispatch import dispatch_waiting

    set_status(run, RunStatus.QUEUED, only_from=(RunStatus.REQUESTED,), queued_at=timezone.now())
    dispatch_waiting()


def send_to_queue(run):
    """Hand a dispatched run to the task queue of its scanner. A queue that refuses it (unknown
    queue, Redis down) interrupts the run instead of leaving it waiting for hours."""
    queue = run.scanner.queue_name if run.scanner else "scans"
    try:
        from scanning.tasks import execute_run

        execute_run.using(queue_name=queue).enqueue(str(run.pk))
    except Exception as exc:
        logger.exception("Scan run %s could not be queued on %r", run.pk, queue)
        error = f"Could not queue the run on {queue!r}: {exc.__class__.__name__}: {exc}"
        if set_status(run, RunStatus.INTERRUPTED, only_from=(RunStatus.REQUESTED, RunStatus.QUEUED), finished_at=timezone.now(),
                      error=error[:2000], partial=True):
            emit_after_commit("scan_failed", run.scan, None, run_id=str(run.pk), error=error)


def set_status(run, status, only_from=None, **fields):
    """Move a run (and its scan's denormalised status) if it is in one of `only_from`."""
    runs = ScanRun.objects.filter(pk=run.pk)
    if only_from:
        runs = runs.filter(status__in=only_from)
    changed = runs.update(status=status, updated_at=timezone.now(), **fields)
    if changed:
        run.status = status
        for name, value in fields.items():
            setattr(run, name, value)
        scan_fields = {"status": status}
        if "progress" in fields:
            scan_fields["progress"] = fields["progress"]
        Scan.objects.filter(pk=run.scan_id, last_history_id=run.pk).update(**scan_fields)
    return bool(changed)


@transaction.atomic
def stop_scan(scan, actor=None):
    """Ask the active run to stop; a run no worker took yet stops at once. 409 when none runs."""
    run = active_run(scan)
    if run is None or run.status == RunStatus.STOP_REQUESTED:
        raise Conflict("The scan has no run to stop")
    waiting = (RunStatus.REQUESTED, RunStatus.QUEUED)
    if run.status in waiting and set_status(run, RunStatus.STOPPED, only_from=waiting, finished_at=timezone.now(), partial=True):
        emit_after_commit("scan_stopped", scan, actor, run_id=str(run.pk))
        transaction.on_commit(redeal_slots)  # a dispatched run gave its slot back
        return run
    # Running (or taken by a worker since it was read): the worker sees the request and stops.
    if not set_status(run, RunStatus.STOP_REQUESTED, only_from=(RunStatus.RUNNING,)):
        raise Conflict("The scan has no run to stop")
    return run


def interrupt_stale_runs(now=None):
    """The reconciler: runs whose worker stopped heartbeating are interrupted, with an error."""
    from findings.services.finalize import summarize_partial

    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.SCAN_HEARTBEAT_TIMEOUT)
    stale = ScanRun.objects.filter(status__in=(RunStatus.RUNNING, RunStatus.STOP_REQUESTED), heartbeat_at__lt=stale_before)
    lost_in_queue = ScanRun.objects.filter(
        status__in=(RunStatus.REQUESTED, RunStatus.QUEUED),
        created_at__lt=now - timedelta(seconds=settings.SCAN_QUEUE_TIMEOUT),
    )
    interrupted = []
    for run in list(stale.select_related("scan")) + list(lost_in_queue.select_related("scan")):
        error = "The worker stopped reporting (heartbeat lost)" if run.status in (RunStatus.RUNNING, RunStatus.STOP_REQUESTED) \
            else "No worker picked the run up in time"
        if set_status(run, RunStatus.INTERRUPTED, only_from=(run.status,), finished_at=now, error=error, partial=True):
            summarize_partial(run)  # what a vanished worker stored still counts
            emit_after_commit("scan_failed", run.scan, None, run_id=str(run.pk), error=error)
            interrupted.append(run)
    redeal_slots()
    return interrupted


def redeal_slots():
    from .dispatch import dispatch_waiting

    try:
        dispatch_waiting()
    except Exception:  # never let a finishing run fail over the next one; the scheduler retries
        logger.exception("Could not dispatch the waiting runs")


def record_refused_start(scan, error):
    """A scheduled start the platform refused (a plan limit): an interrupted run says why, and
    `scan_failed` tells the users, so the missed occurrence is not silently lost."""
    now = timezone.now()
    run = ScanRun.objects.create(
        scan=scan, organization=scan.organization, product=scan.product, scanner=scan.scanner,
        status=RunStatus.INTERRUPTED, triggered_by=TriggeredBy.SCHEDULE, finished_at=now,
        error=f"Not started: {error}", partial=True,
    )
    emit_after_commit("scan_failed", scan, None, run_id=str(run.pk), error=run.error)
    return run

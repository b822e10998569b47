"""The worker side of a run: claim it, run the engine, store results in batches (the findings
ingestion service), finish it once: the status change is the gate, and only a complete run is
finalized (deltas, fixed findings, verdict)."""

import logging
import threading
import time

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from scanning.choices import RunStatus
from scanning.models import Scan, ScanRun
from scanning.targets import TargetError, blocked_networks_for, parse_targets

from . import common
from .common import emit_after_commit
from .runs import redeal_slots, set_status

logger = logging.getLogger("scanning.runs")

def claim(run_id, worker):
    run = ScanRun.objects.select_related("scan", "scan__target", "scan__target__port_list", "scan__scan_profile").filter(pk=run_id).first()
    if run is None:
        return None
    now = timezone.now()
    if not set_status(run, RunStatus.RUNNING, only_from=(RunStatus.REQUESTED, RunStatus.QUEUED),
                      started_at=now, heartbeat_at=now, worker=worker[:128], progress=0):
        return None  # stopped before a worker took it, or taken by another worker
    return run


def build_plan(run):
    from scanning.engine.types import ScanPlan
    from scanning.ports import parse_port_ranges

    target = run.scan.target
    blocked = blocked_networks_for(target.organization)  # the organization's allowance subtracted
    target_set = parse_targets(target.hosts, target.exclude_hosts, blocked_networks=blocked)
    ports = parse_port_ranges(target.port_list.port_ranges)
    return ScanPlan(
        addresses=list(target_set.addresses), hostnames=list(target_set.hostnames),
        tcp_ports=ports.tcp_ports(), udp_ports=ports.udp_ports(), alive_test=target.alive_test,
        use_nmap=settings.SCAN_USE_NMAP, blocked_networks=list(blocked), families=profile_families(run.scan),
        feed_path=str(settings.VULN_FEED_PATH),
    ), target_set.count


def profile_families(scan):
    """The check families the scan profile selects; none for a discovery-only profile."""
    profile = scan.scan_profile
    if profile is None or profile.discovery_only:
        return ()
    return tuple(profile.families or ())


class RunReporter:
    """What the engine talks to: progress, stop requests (polled), and batches of hosts."""

    POLL_SECONDS = 0.5
    PROGRESS_SECONDS = 1.0

    def __init__(self, run):
        self.run = run
        self.stop_reason = ""
        self.stop_status = RunStatus.STOPPED  # a time limit is an interruption (scanning.md)
        self._last_poll = self._last_progress = 0.0
        self._stage = ""
        self.hosts_alive = 0

    def progress(self, stage, percent):
        now = time.monotonic()
        if stage == self._stage and now - self._last_progress < self.PROGRESS_SECONDS:
            return
        self._stage, self._last_progress = stage, now
        value = max(0, min(99, int(percent)))
        ScanRun.objects.filter(pk=self.run.pk).update(stage=stage, progress=value, heartbeat_at=timezone.now())
        Scan.objects.filter(pk=self.run.scan_id, last_history_id=self.run.pk).update(progress=value)

    def should_stop(self):
        if self.stop_reason:
            return True
        now = time.monotonic()
        if now - self._last_poll < self.POLL_SECONDS:
            return False
        self._last_poll = now
        status, deadline = ScanRun.objects.filter(pk=self.run.pk).values_list("status", "deadline_at").first()
        if status == RunStatus.STOP_REQUESTED:
            self.stop_reason = "Stopped on request"
        elif status != RunStatus.RUNNING:
            self.stop_reason = f"Run is {status}"
        elif deadline is not None and timezone.now() >= deadline:
            self.stop_reason = "Stopped: the schedule's duration was exceeded"
            self.stop_status = RunStatus.INTERRUPTED
        return bool(self.stop_reason)

    def store_hosts(self, hosts):
        from findings.services.ingest import store_hosts

        store_hosts(self.run, hosts)
        self.hosts_alive += sum(1 for h in hosts if h.alive)


class Heartbeat(threading.Thread):
    """Keeps `heartbeat_at` fresh while the engine works (the reconciler watches it)."""

    def __init__(self, run_id):
        super().__init__(daemon=True, name=f"heartbeat-{run_id}")
        self.run_id, self.done = run_id, threading.Event()

    def run(self):
        try:
            while not self.done.wait(settings.SCAN_HEARTBEAT_INTERVAL):
                ScanRun.objects.filter(pk=self.run_id).update(heartbeat_at=timezone.now())
        finally:
            connections.close_all()  # this thread's own connection: nothing else will close it


def execute_run(run_id, worker=""):
    from scanning import engine

    run = claim(run_id, worker)
    if run is None:
        return None
    emit_after_commit("scan_started", run.scan, None, run_id=str(run.pk))
    heartbeat = Heartbeat(run.pk)
    heartbeat.start()
    reporter = RunReporter(run)
    try:
        plan, host_count = build_plan(run)
        ScanRun.objects.filter(pk=run.pk).update(host_count=host_count)
        engine.run(plan, reporter)
    except TargetError as exc:
        return finish(run, RunStatus.INTERRUPTED, reporter, error=f"Target no longer valid: {exc}")
    except Exception as exc:  # the run must end in a state, whatever went wrong
        logger.exception("Scan run %s failed", run.pk)
        return finish(run, RunStatus.INTERRUPTED, reporter, error=f"Scan engine error: {exc.__class__.__name__}: {exc}")
    finally:
        heartbeat.done.set()
    if reporter.stop_reason:
        return finish(run, reporter.stop_status, reporter, error=reporter.stop_reason)
    try:
        return finish(run, RunStatus.DONE, reporter)
    except Exception as exc:  # finalizing failed and rolled back: the run must still end in a state
        logger.exception("Scan run %s could not be finalized", run.pk)
        run.refresh_from_db()  # the rolled-back attempt left its numbers on the object
        return finish(run, RunStatus.INTERRUPTED, reporter, error=f"Results could not be finalized: {exc.__class__.__name__}: {exc}")


def finish(run, status, reporter, error="", scope=None):
    """Move the run to its final state once: when another party moved it first (the reconciler
    interrupted it, a second worker), nothing is emitted again; the counts of what this worker
    stored are still brought up to date."""
    from findings.services import finalize

    fields = {
        "finished_at": timezone.now(), "hosts_alive": reporter.hosts_alive, "error": error,
        "partial": status != RunStatus.DONE, "progress": 100 if status == RunStatus.DONE else reporter_progress(run),
        "stage": "",
    }
    with transaction.atomic():
        if not set_status(run, status, only_from=(RunStatus.RUNNING, RunStatus.STOP_REQUESTED), **fields):
            run.refresh_from_db()
            if run.status in (RunStatus.STOPPED, RunStatus.INTERRUPTED):
                finalize.summarize_partial(run)
            return run
        if status == RunStatus.DONE:
            summary = finalize.finalize(run, scope)
            finalize.on_run_finalized(run, summary)
        else:
            finalize.summarize_partial(run)
        transaction.on_commit(lambda: announce(run, status, error))
        transaction.on_commit(redeal_slots)  # this run's slot goes to the next waiting one
    return run


EVENTS = {RunStatus.DONE: "scan_completed", RunStatus.STOPPED: "scan_stopped"}


def announce(run, status, error):
    """The run's events, after its numbers committed: scan_completed (with the counts, delta and
    verdict), scan_stopped or scan_failed; vulnerability_new when a complete run found new ones."""
    from findings.services import run_events

    scan = Scan.objects.select_related("target", "scan_profile", "scanner", "schedule", "organization").get(pk=run.scan_id)
    name = EVENTS.get(status, "scan_failed")
    common.emit(name, scan, organization=scan.organization, **run_events.run_data(run, error))
    if status == RunStatus.DONE:
        new = run_events.new_vulnerabilities(run, scan)
        if new is not None:
            common.emit("vulnerability_new", None, organization=scan.organization, **new)


def reporter_progress(run):
    return ScanRun.objects.filter(pk=run.pk).values_list("progress", flat=True).first() or 0

"""The worker side of a run: claim it, run the engine, store results in batches, finish it."""

import logging
import threading
import time

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from scanning.choices import RunStatus
from scanning.models import RunHost, Scan, ScanRun
from scanning.targets import TargetError, blocked_networks_from_setting, parse_targets

from .common import emit_after_commit
from .runs import redeal_slots, set_status

logger = logging.getLogger("scanning.runs")

# Callables (run, hosts) run after the engine, before the run is marked finished: the findings
# stage (checks, severity, delta, PCI verdict) plugs in here.
AFTER_ENGINE = []


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
    blocked = blocked_networks_from_setting()
    target_set = parse_targets(target.hosts, target.exclude_hosts, blocked_networks=blocked)
    ports = parse_port_ranges(target.port_list.port_ranges)
    return ScanPlan(
        addresses=list(target_set.addresses), hostnames=list(target_set.hostnames),
        tcp_ports=ports.tcp_ports(), udp_ports=ports.udp_ports(), alive_test=target.alive_test,
        use_nmap=settings.SCAN_USE_NMAP, blocked_networks=list(blocked),
    ), target_set.count


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
        rows = [
            RunHost(
                run=self.run, organization_id=self.run.organization_id, ip=host.ip, hostname=host.hostname or "",
                alive=host.alive, os=host.os or "", mac=host.mac or "", ports=[port_dict(p) for p in host.ports],
            )
            for host in hosts
        ]
        RunHost.objects.bulk_create(rows, batch_size=1000)
        self.hosts_alive += sum(1 for h in hosts if h.alive)


def port_dict(port):
    return {
        "port": port.port, "protocol": port.protocol, "state": port.state, "service": port.service,
        "product": port.product, "version": port.version, "cpe": port.cpe, "tls": port.tls,
        "banner": (port.banner or "")[:1024], "extra": port.extra or {},
    }


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
        hosts = engine.run(plan, reporter)
        for hook in AFTER_ENGINE:
            hook(run, hosts)
    except TargetError as exc:
        return finish(run, RunStatus.INTERRUPTED, reporter, error=f"Target no longer valid: {exc}")
    except Exception as exc:  # the run must end in a state, whatever went wrong
        logger.exception("Scan run %s failed", run.pk)
        return finish(run, RunStatus.INTERRUPTED, reporter, error=f"Scan engine error: {exc.__class__.__name__}: {exc}")
    finally:
        heartbeat.done.set()
    if reporter.stop_reason:
        return finish(run, reporter.stop_status, reporter, error=reporter.stop_reason)
    return finish(run, RunStatus.DONE, reporter)


@transaction.atomic
def finish(run, status, reporter, error=""):
    fields = {
        "finished_at": timezone.now(), "hosts_alive": reporter.hosts_alive, "error": error,
        "partial": status != RunStatus.DONE, "progress": 100 if status == RunStatus.DONE else reporter_progress(run),
        "stage": "",
    }
    set_status(run, status, only_from=(RunStatus.RUNNING, RunStatus.STOP_REQUESTED), **fields)
    Scan.objects.filter(pk=run.scan_id, last_history_id=run.pk).update(
        severity_counts=run.severity_counts, max_severity=run.max_severity, pci_status=run.pci_status
    )
    event = {RunStatus.DONE: "scan_completed", RunStatus.STOPPED: "scan_stopped"}.get(status, "scan_failed")
    emit_after_commit(event, run.scan, None, run_id=str(run.pk), error=error)
    transaction.on_commit(redeal_slots)  # this run's slot goes to the next waiting one
    return run


def reporter_progress(run):
    return ScanRun.objects.filter(pk=run.pk).values_list("progress", flat=True).first() or 0

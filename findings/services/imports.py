"""Recording another scanner's report as a finished run of a scan (scanning.md "Other scanners";
docs/imports.md): the report is read whole first (a bad file is a 422 naming `file`, and nothing
is stored), then its hosts go through the ingestion service in batches and the run is finished
like a native one (deltas, fixed findings, verdict, report record, events).

Which hosts a report may bring into a scan: those of the scan's target — its addresses after
`exclude_hosts`, or its host names — and never an address the platform blocks. Every other host
of the report is left out and counted in the run's `error` note ("12 hosts outside the target
were left out"); a report with no host inside the target is refused."""

import logging
import os
import shutil
import tempfile

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.api.errors import Conflict, InvalidInput
from findings.importers import FORMATS, ReportError, read_report
from scanning.choices import RunStatus, TriggeredBy
from scanning.models import Scan, ScanRun
from scanning.targets import TargetError, blocked_networks_for, parse_targets

from .finalize import Scope
from .ingest import store_hosts

logger = logging.getLogger("findings.imports")
BATCH = 500
SOURCES = {"nmap_xml": ("nmap", "version_match"), "gvm_xml": ("gvm",), "gvm_csv": ("gvm",), "nessus": ("nessus",)}


class Progress:
    """What `finish` needs of a reporter; counts the alive hosts stored."""

    def __init__(self):
        self.hosts_alive = 0


def check_format(fmt):
    if fmt not in FORMATS:
        raise InvalidInput.field("format", f"must be one of {', '.join(FORMATS)}")


def target_filter(scan):
    """ip, hostname -> whether the scan's target covers that host (the import rule above)."""
    target = scan.target
    blocked = blocked_networks_for(scan.organization)
    try:
        target_set = parse_targets(target.hosts, target.exclude_hosts, blocked_networks=blocked)
    except TargetError as exc:
        raise InvalidInput.field("scan", f"target is no longer valid: {exc}") from None
    addresses, names = set(target_set.addresses), set(target_set.hostnames)
    from scanning.engine.guard import Guard

    guard = Guard(blocked)
    return lambda ip, hostname: guard.allows(ip) and (ip in addresses or (hostname or "").lower().rstrip(".") in names)


def read(path, fmt):
    try:
        return read_report(path, fmt)
    except ReportError as exc:
        raise InvalidInput.field("file", str(exc)) from None


def hosts_in_target(spool, allowed):
    """(how many of the report's hosts the target covers, the run's note on the others);
    ReportError when it covers none."""
    inside = sum(1 for ip, name in spool.hosts_with_names() if allowed(ip, name))
    if not inside:
        raise ReportError(f"none of the report's {spool.host_count} hosts is in the scan's target")
    left_out = spool.host_count - inside
    return inside, f"{left_out} hosts outside the target were left out" if left_out else ""


def import_report(scan, path, fmt, actor=None, triggered_by=TriggeredBy.USER, progress_to=None):
    """Read, check and record the report at `path` as a new finished run of `scan`."""
    check_format(fmt)
    spool = read(path, fmt)
    try:
        allowed = target_filter(scan)
        try:
            inside, note = hosts_in_target(spool, allowed)
        except ReportError as exc:
            raise InvalidInput.field("file", str(exc)) from None
        run = open_run(scan, fmt, triggered_by, inside)
        return record(run, spool, allowed, fmt, note, progress_to)
    finally:
        spool.close()


def open_run(scan, fmt, triggered_by, host_count):
    """A running run of the scan for the import (409 while the scan has an active run)."""
    from scanning.services.runs import active_run

    with transaction.atomic():
        scan = Scan.objects.select_for_update(of=("self",)).get(pk=scan.pk)
        if active_run(scan) is not None:
            raise Conflict("The scan has a run requested, queued or running; import when it has finished")
        now = timezone.now()
        run = ScanRun.objects.create(
            scan=scan, organization_id=scan.organization_id, product=scan.product, scanner=None,
            status=RunStatus.RUNNING, triggered_by=triggered_by, started_at=now, heartbeat_at=now,
            worker=f"import:{fmt}", host_count=host_count, stage="import",
        )
        Scan.objects.filter(pk=scan.pk).update(status=RunStatus.RUNNING, progress=0, last_history=run,
                                               run_count=F("run_count") + 1, last_run_at=now)
    return run


def record(run, spool, allowed, fmt, note="", progress_to=None):
    """Store the spooled hosts in batches, then finish the run as a complete one;
    `progress_to(done, total)` hears of every batch (the command's progress bar)."""
    from scanning.services.execution import finish

    progress = Progress()
    done = 0
    try:
        for batch in spool.host_batches(BATCH, allowed):
            if fmt == "nmap_xml":
                match_versions(batch)
            store_hosts(run, batch)
            progress.hosts_alive += sum(1 for host in batch if host.alive)
            done += len(batch)
            ScanRun.objects.filter(pk=run.pk).update(progress=min(99, int(100 * done / max(1, run.host_count))),
                                                     heartbeat_at=timezone.now())
            if progress_to is not None:
                progress_to(done, run.host_count)
    except Exception as exc:
        logger.exception("Import into run %s failed", run.pk)
        return finish(run, RunStatus.INTERRUPTED, progress, error=f"Import failed: {exc.__class__.__name__}: {exc}")
    run = finish(run, RunStatus.DONE, progress, scope=Scope(families=None, ports=None, sources=SOURCES[fmt]))
    if note:
        ScanRun.objects.filter(pk=run.pk).update(error=note)
        run.error = note
    return run


def match_versions(hosts):
    """nmap reports name products and versions but no weaknesses: the known-vulnerable-versions
    checks (the feed matcher; no traffic) add their findings, marked `version_match`."""
    import asyncio
    from dataclasses import replace

    from scanning.engine.checks import CATALOGUE
    from scanning.engine.checks.context import CheckContext
    from scanning.engine.guard import Guard

    checks = [cls() for cls in CATALOGUE.values() if cls.family == "known_vulnerable_versions"]
    ctx = CheckContext(Guard([]), feed_path=str(settings.VULN_FEED_PATH))

    async def match_all():
        for host in hosts:
            for port in host.ports:
                for check in checks:
                    if check.applies(host, port):
                        found = await check.run(ctx, host, port)
                        host.findings.extend(replace(f, source="version_match") for f in found)

    asyncio.run(match_all())


# --- large files: in the background -------------------------------------------------------------

def store_upload(uploaded) -> str:
    """The upload copied to a file the worker can read (IMPORT_SPOOL_DIR, shared by the workers)."""
    folder = settings.IMPORT_SPOOL_DIR
    os.makedirs(folder, exist_ok=True)
    handle, path = tempfile.mkstemp(prefix="import-", dir=folder)
    with os.fdopen(handle, "wb") as target:
        if hasattr(uploaded, "chunks"):
            for chunk in uploaded.chunks():
                target.write(chunk)
        else:
            shutil.copyfileobj(uploaded, target)
    return path


def queue_import(scan, path, fmt, actor=None, triggered_by=TriggeredBy.USER):
    """A queued run for a large report; the worker reads and records it (`run_queued_import`).
    A file that turns out unreadable leaves the run `interrupted` with the reason, storing nothing."""
    check_format(fmt)
    target_filter(scan)
    run = open_run(scan, fmt, triggered_by, 0)
    ScanRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, queued_at=timezone.now(), started_at=None)
    Scan.objects.filter(pk=scan.pk, last_history=run).update(status=RunStatus.QUEUED)

    def enqueue():
        from findings.tasks import import_report_file

        import_report_file.enqueue(str(run.pk), path, fmt)

    transaction.on_commit(enqueue)
    run.refresh_from_db()
    return run


def run_queued_import(run_id, path, fmt):
    from scanning.services.execution import finish
    from scanning.services.runs import set_status

    run = ScanRun.objects.select_related("scan__target", "scan__organization").filter(pk=run_id).first()
    try:
        if run is None or not set_status(run, RunStatus.RUNNING, only_from=(RunStatus.QUEUED,), started_at=timezone.now(),
                                         heartbeat_at=timezone.now()):
            return None
        try:
            spool = read_report(path, fmt)
        except ReportError as exc:
            return finish(run, RunStatus.INTERRUPTED, Progress(), error=f"The report could not be read: {exc}")
        try:
            allowed = target_filter(run.scan)
            try:
                run.host_count, note = hosts_in_target(spool, allowed)
            except ReportError as exc:
                return finish(run, RunStatus.INTERRUPTED, Progress(), error=f"The report could not be used: {exc}")
            ScanRun.objects.filter(pk=run.pk).update(host_count=run.host_count)
            return record(run, spool, allowed, fmt, note)
        finally:
            spool.close()
    finally:
        if os.path.exists(path):
            os.unlink(path)

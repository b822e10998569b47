"""Recording another scanner's report as a finished run of a scan (scanning.md "Other scanners";
docs/imports.md): its hosts go through the ingestion service in batches while the report is still
being read (a large file in a child process, findings/importers/pipeline.py), and the run is
finished like a native one (deltas, fixed findings, verdict, report record, events). The whole
import is one transaction: a file found bad half-way (a 422 naming `file`) stores nothing.

Which hosts a report may bring into a scan: those of the scan's target — its addresses after
`exclude_hosts`, or its host names — and never an address the platform blocks. Every other host
of the report is left out and counted in the run's `error` note ("12 hosts outside the target
were left out"); a report with no host inside the target is refused."""

import logging
import os
import shutil
import tempfile

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from config.api.errors import Conflict, InvalidInput
from findings.importers import FORMATS, RESTART, HostReader, ReportError, weight
from findings.importers.packed import refuse_packed
from scanning.choices import RunStatus, TriggeredBy
from scanning.models import Scan, ScanRun
from scanning.targets import TargetError, blocked_networks_for, parse_targets

from .finalize import Scope
from .ingest import store_batches

logger = logging.getLogger("findings.imports")
BATCH = 200
FIRST_BATCH = 50  # the first batch goes as soon as the reader has this many: storing starts early
# A batch also ends at this weight (importers.weight: hosts, findings and 2 KB units of evidence),
# so hosts with megabytes of plugin output do not make batches of hundreds of megabytes.
BATCH_WEIGHT = 24_000
SOURCES = {"nmap_xml": ("nmap", "version_match"), "gvm_xml": ("gvm",), "gvm_csv": ("gvm",), "nessus": ("nessus",)}


class OutsideTarget(ReportError):
    """None of the report's hosts is in the scan's target."""


class Tally:
    """The import's counts as hosts arrive; what `finish` needs of a reporter (hosts_alive)."""

    def __init__(self):
        self.forget()

    def forget(self):
        self.hosts = self.left_out = self.stored = self.hosts_alive = 0
        self.fraction, self.expected = 0.0, None

    def read(self, fraction, hosts):
        self.fraction, self.expected = fraction, hosts or self.expected

    @property
    def inside(self):
        return self.hosts - self.left_out

    def estimate(self) -> int:
        """The hosts inside the target the report will have brought: a guess from the share of
        the file read until the reader knows."""
        if self.expected is not None:
            return max(self.stored, self.expected - self.left_out)
        return max(self.stored, int(self.stored / self.fraction) if self.fraction else self.stored)


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


def import_report(scan, path, fmt, actor=None, triggered_by=TriggeredBy.USER, progress_to=None):
    """Read, check and record the report at `path` as a new finished run of `scan`."""
    check_format(fmt)
    allowed = target_filter(scan)
    try:
        with transaction.atomic():
            run = open_run(scan, fmt, triggered_by, 0)
            return record(run, path, fmt, allowed, progress_to)
    except ReportError as exc:
        raise invalid_file(str(exc)) from None


def invalid_file(message):
    """The 422 of a file that cannot be imported; `message` is a sentence of its own ("The file
    is empty"), so the summary quotes it after the field rather than as the field's predicate."""
    return InvalidInput(f"Validation failed: file: {message}", {"file": [message]})


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


def record(run, path, fmt, allowed, progress_to=None):
    """Store the report's hosts in batches as they are read, then finish the run as a complete
    one; `progress_to(done, total)` hears of every batch (the command's progress bar). Runs in
    the caller's transaction: a ReportError (a bad file, no host in the target) is raised for it
    to roll back; a failure to store finishes the run interrupted with what was stored."""
    from scanning.services.execution import finish

    assert connection.in_atomic_block, "an import is one transaction"
    tally = Tally()
    try:
        store_report(run, path, fmt, allowed, tally, progress_to)
    except ReportError:
        raise
    except Exception as exc:
        logger.exception("Import into run %s failed", run.pk)
        return finish(run, RunStatus.INTERRUPTED, tally, error=f"Import failed: {exc.__class__.__name__}: {exc}")
    if not tally.inside:
        raise OutsideTarget("the report's only host is not in the scan's target" if tally.hosts == 1
                            else f"none of the report's {tally.hosts} hosts is in the scan's target")
    run.host_count = tally.inside
    ScanRun.objects.filter(pk=run.pk).update(host_count=run.host_count)
    if progress_to is not None:
        progress_to(tally.stored, run.host_count)
    run = finish(run, RunStatus.DONE, tally, scope=Scope(families=None, ports=None, sources=SOURCES[fmt]))
    if tally.left_out:
        note = f"{tally.left_out} hosts outside the target were left out"
        ScanRun.objects.filter(pk=run.pk).update(error=note)
        run.error = note
    return run


def store_report(run, path, fmt, allowed, tally, progress_to=None):
    """The reader's hosts inside the target, stored BATCH at a time (ingest.store_batches: the
    next batch is read and built while the database writes one). RESTART (the report lists a host
    in two places) rolls back what was stored: every host comes again, merged."""
    with HostReader(path, fmt, progress=tally.read) as reader:
        hosts = iter(reader)
        while True:
            start, restart = transaction.savepoint(), []
            store_batches(run, report_batches(hosts, fmt, allowed, tally, progress_to, restart))
            if not restart:
                transaction.savepoint_commit(start)
                return
            transaction.savepoint_rollback(start)  # the batch handed over last was stored too: gone with the rest
            tally.forget()


def report_batches(hosts, fmt, allowed, tally, progress_to, restart):
    """Batches of the `hosts` inside the target (BATCH hosts, or less when they weigh
    BATCH_WEIGHT); at RESTART the batches end (noted in `restart`)."""
    batch, held = [], 0
    for host in hosts:
        if host == RESTART:
            restart.append(True)
            return
        tally.hosts += 1
        if not allowed(host.ip, host.hostname):
            tally.left_out += 1
            continue
        batch.append(host)
        held += weight(host)
        if len(batch) >= (BATCH if tally.stored else min(BATCH, FIRST_BATCH)) or held >= BATCH_WEIGHT:
            yield handed_over(batch, fmt, tally, progress_to)
            batch, held = [], 0
    if batch:
        yield handed_over(batch, fmt, tally, progress_to)


def handed_over(batch, fmt, tally, progress_to):
    """`batch`, counted as stored (store_batches stores it next) and, for nmap, with its findings."""
    if fmt == "nmap_xml":
        match_versions(batch)
    tally.hosts_alive += sum(1 for host in batch if host.alive)
    tally.stored += len(batch)
    if progress_to is not None:
        progress_to(tally.stored, tally.estimate())
    return batch


class OutsideProgress:
    """`progress_to` of a queued import: the run's progress and heartbeat written on a connection
    of their own, as the import's transaction hides its own writes until it commits (and the
    reconciler interrupts a run whose heartbeat stops). The import never locks the run's row
    before it finishes (its rows' foreign keys take only KEY SHARE locks). PostgreSQL only: SQLite
    takes one writer at a time, so there the run shows its progress when done."""

    def __init__(self, run):
        self.run_id, self.side = run.pk, None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")

    def __call__(self, done, total):
        if self.side is None:
            return
        table = self.side.ops.quote_name(ScanRun._meta.db_table)
        try:
            with self.side.cursor() as cursor:  # only a quoted table name is formatted in
                cursor.execute(f"UPDATE {table} SET progress = %s, heartbeat_at = %s WHERE id = %s AND status = %s",  # noqa: S608
                               [min(99, int(100 * done / max(1, total))), timezone.now(), self.run_id, RunStatus.RUNNING])
        except DatabaseError:
            logger.warning("Could not write the progress of run %s", self.run_id, exc_info=True)

    def close(self):
        if self.side is not None:
            self.side.close()


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
    try:
        refuse_packed(path)  # no run queued for what is no report at all
    except ReportError as exc:
        raise invalid_file(str(exc)) from None
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
        progress = None
        try:
            allowed = target_filter(run.scan)
            progress = OutsideProgress(run)
            with transaction.atomic():
                return record(run, path, fmt, allowed, progress)
        except OutsideTarget as exc:
            return finish(run, RunStatus.INTERRUPTED, Tally(), error=f"The report could not be used: {exc}")
        except ReportError as exc:
            return finish(run, RunStatus.INTERRUPTED, Tally(), error=f"The report could not be read: {exc}")
        finally:
            if progress is not None:
                progress.close()
    finally:
        if os.path.exists(path):
            os.unlink(path)

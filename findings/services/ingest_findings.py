"""The current findings and the run's results of one batch (ingest.store_hosts calls this).

Most findings of a run were there before with the same content and status (about 84% in the
benchmark): their wide, many-indexed rows are not written at all; only their sightings move
(FindingSighting: run and last_seen). New findings, changed ones (told by `content_hash`, so the
stored text is never read back) and those whose status or scan changes are written whole with one
INSERT ... ON CONFLICT DO UPDATE. On PostgreSQL every hit is then one narrow staged row (finding
id, delta) from which the database builds the sightings and the result rows (a result's shared
columns are its finding's as just written): see `derived_writes`. Elsewhere (SQLite) the same rows
are built in Python and written with the ORM."""

import hashlib
import uuid

from findings.choices import Delta, FindingStatus, severity_level
from findings.models import Finding, FindingSighting, Result
from scanning.choices import RunStatus
from scanning.models import ScanRun

from .bulk import Read, Staged, Upsert, insert_select, quoted_columns, quoted_table, upsert
from .ingest_ids import natural_id
from .matching import exception_for, port_label

# Rows are plain tuples in these column orders (bulk streams them).
SHARED_COLUMNS = ("check_info_id", "nvt", "name", "ip", "hostname", "port", "protocol", "severity", "original_severity",
                  "severity_level", "cvss_vector", "qod", "detection", "pci_fail", "exception_id")
SHARED_UPDATES = ("check_info", "name", "hostname", "severity", "original_severity", "severity_level", "cvss_vector",
                  "qod", "detection", "pci_fail", "exception", "updated_at")
FINDING_COLUMNS = ("id", "created_at", "updated_at", "organization_id", "product", *SHARED_COLUMNS, "host_id", "scan_id",
                   "status", "first_seen", "fixed_at", "content_hash")
FINDING_UPDATES = (*SHARED_UPDATES, "host", "scan", "status", "fixed_at", "content_hash")
FINGERPRINT = ("organization", "product", "ip", "nvt", "port", "protocol")  # finding_unique_fingerprint
SIGHTING_COLUMNS = ("finding_id", "organization_id", "product", "run_id", "last_seen")
RESULT_COLUMNS = ("id", "created_at", "updated_at", "organization_id", "product", *SHARED_COLUMNS, "run_id", "scan_id",
                  "finding_id", "delta")
RESULT_UPDATES = (*SHARED_UPDATES, "finding", "delta")
RESULT_UNIQUE = ("run", "ip", "nvt", "port", "protocol")  # result_unique_per_run
KEY = ("nvt", "ip", "port", "protocol")  # the fingerprint within the organization's product
STAGED_ID = '"finding_id"'  # the staged columns per hit (a staging table shaped like findings_result's)
STAGED_DELTA = '"delta"'  # the delta when Python knows it (persisting), else NULL: looked up
PERSISTING = Delta.PERSISTING.value
LEVELS = {}  # severity -> its level's value (few distinct severities)


def finding_writes(run, hits, existing, host_ids, checks, exceptions, now):
    """The writes of the batch's current findings, sightings and results: no query."""
    rows, seen = finding_rows(run, hits, existing, previous_done_run_id(run), host_ids, checks, exceptions, now)
    return [Upsert(Finding, FINDING_COLUMNS, rows, unique=FINGERPRINT, update=FINDING_UPDATES),
            derived_writes(run, seen, now)]


def finding_rows(run, hits, existing, previous, host_ids, checks, exceptions, now):
    """(finding rows to write, seen): a finding row only for new findings and those whose content
    (told by `content_hash`), status or scan changes; `seen` has every hit's (id, key, status,
    shared columns, delta when known)."""
    rows, seen = [], []
    run_id, scan_id, organization_id, product = run.pk, run.scan_id, run.organization_id, run.product
    for hit in hits:
        old = existing.get(hit.key)
        status = next_status(old, run_id)
        shared = shared_fields(hit, checks, exceptions, scan_id)
        host_id = host_ids[hit.host.ip]
        digest = content_hash_of(shared, host_id)
        if old is None:
            pk = natural_id("finding", organization_id, product, *hit.key)
        else:
            pk = old[0]
        if old is None or old[3] != digest or old[1] != status or old[4] != scan_id:
            rows.append((pk, now, now, organization_id, product, *shared, host_id, scan_id, status, now, None, digest))
        # Last seen by the previous done run: that run has its result, the delta is known here.
        seen.append((pk, hit.key, status, shared, PERSISTING if old is not None and old[2] == previous else None))
    return rows, seen


def derived_writes(run, seen, now):
    """The sightings and result rows of the findings `seen` ((id, key, status, shared, delta)
    each), built by PostgreSQL from the findings as just written: each finding's id is staged, and
    two INSERT ... SELECT statements read it. A result's delta is staged when Python knows it (the
    finding's last sighting was the previous done run: persisting, most of a run); otherwise its
    fingerprint is looked up among the previous done run's results (unique index
    result_unique_per_run; OFFSET 0 keeps it a lookup per row, see finalize.count_fixed)."""
    shared = quoted_columns(Finding, SHARED_COLUMNS)
    nvt, ip, port, protocol, status = (f"finding.{column}" for column in quoted_columns(Finding, (*KEY, "status")))
    result_run, *result_key = quoted_columns(Result, ("run", *KEY))
    sightings = insert_select(
        FindingSighting, SIGHTING_COLUMNS, f"SELECT {STAGED_ID}, %s, %s, %s, %s FROM {{staging}}",  # noqa: S608
        unique=("finding",), update=("run", "last_seen"))
    before = " AND ".join(f"before.{column} = {mine}" for column, mine in zip(result_key, (nvt, ip, port, protocol),
                                                                               strict=True))
    results = insert_select(
        Result, RESULT_COLUMNS,
        f"SELECT gen_random_uuid(), %s, %s, finding.organization_id, finding.product, "  # noqa: S608
        f"{', '.join('finding.' + column for column in shared)}, %s, %s, finding.id, "
        f"CASE WHEN staged.{STAGED_DELTA} IS NOT NULL THEN staged.{STAGED_DELTA} "
        f"WHEN EXISTS (SELECT 1 FROM {quoted_table(Result)} AS before WHERE before.{result_run} = %s AND {before} "
        f"OFFSET 0) THEN %s WHEN {status} = %s THEN %s ELSE %s END "
        f"FROM {{staging}} AS staged JOIN {quoted_table(Finding)} AS finding ON finding.id = staged.{STAGED_ID}",
        unique=RESULT_UNIQUE, update=RESULT_UPDATES)
    deltas = (previous_done_run_id(run), Delta.PERSISTING.value, FindingStatus.REOPENED.value, Delta.REOPENED.value,
              Delta.NEW.value)
    statements = [(sightings, (run.organization_id, run.product, run.pk, now)),
                  (results, (now, now, run.pk, run.scan_id, *deltas))]
    staged = [(pk, delta) for pk, _key, _status, _shared, delta in seen]
    return Staged(Result, ("finding_id", "delta"), staged, statements, fallback=lambda: write_with_orm(run, seen, now))


def write_with_orm(run, seen, now):
    """derived_writes' job without a staging table (SQLite): the same rows built in Python."""
    head, tail = (now, now, run.organization_id, run.product), (run.pk, run.scan_id)
    before = previously_found(run, [key for _pk, key, _status, _shared, _delta in seen])
    persisting, reopened, new = Delta.PERSISTING.value, Delta.REOPENED.value, Delta.NEW.value
    results, sightings = [], []
    for pk, key, status, shared, _delta in seen:
        delta = persisting if key in before else reopened if status == FindingStatus.REOPENED else new
        results.append((uuid.uuid4(), *head, *shared, *tail, pk, delta))
        sightings.append((pk, run.organization_id, run.product, run.pk, now))
    upsert(FindingSighting, SIGHTING_COLUMNS, sightings, unique=("finding",), update=("run", "last_seen"))
    upsert(Result, RESULT_COLUMNS, results, unique=RESULT_UNIQUE, update=RESULT_UPDATES)


def existing_findings(run, hits):
    """The Read (bulk.py) of the batch's stored findings; `findings_by_key` makes its rows a dict."""
    rows = Finding.objects.filter(organization_id=run.organization_id, product=run.product,
                                  ip__in={hit.host.ip for hit in hits}, nvt__in={hit.finding.nvt for hit in hits})
    return Read(rows.order_by().values_list("id", "nvt", "ip", "port", "protocol", "status", "sighting__run_id",
                                            "content_hash", "scan_id"))


def findings_by_key(rows):
    """{fingerprint key: (id, status, last run id, content hash, scan id)}."""
    return {(nvt, ip, port, protocol): (pk, status, run_id, digest, scan_id)
            for pk, nvt, ip, port, protocol, status, run_id, digest, scan_id in rows}


def content_hash_of(shared, host_id):
    """A stable, non-zero 63-bit digest of what a finding row holds besides its sighting."""
    check_id, *fields, exception_id = shared
    values = (check_id.int, *fields, exception_id.int if exception_id else None, host_id.int)
    digest = hashlib.blake2b(repr(values).encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 1) | 1


def next_status(old, run_id):
    if old is None:
        return FindingStatus.NEW
    status = old[1]
    if old[2] == run_id:  # the same run stored again: nothing moved
        return status
    return FindingStatus.REOPENED if status == FindingStatus.FIXED else FindingStatus.OPEN


def shared_fields(hit, checks, exceptions, scan_id):
    """The SHARED_COLUMNS values of a hit, with the matching exception applied."""
    finding, host = hit.finding, hit.host
    original = float(finding.severity)
    exception = None
    if finding.nvt in exceptions:
        exception = exception_for(exceptions, finding.nvt, host.ip, port_label(finding.port, finding.protocol), scan_id)
    severity = exception.new_severity if exception else original
    level = LEVELS.get(severity)
    if level is None:
        level = LEVELS.setdefault(severity, str(severity_level(severity)))
    return (checks[finding.nvt], finding.nvt, (finding.name or "")[:512], host.ip, host.hostname or "", finding.port,
            finding.protocol, severity, original, level, finding.cvss_vector or "", finding.qod,
            finding.detection or "", bool(finding.pci_fail), exception.pk if exception else None)


def previous_done_run_id(run):
    """The baseline of the run's deltas: the scan's latest done run before it (looked up once)."""
    if not hasattr(run, "_previous_done_run_id"):
        previous = (ScanRun.objects.filter(scan_id=run.scan_id, status=RunStatus.DONE, created_at__lt=run.created_at)
                    .exclude(pk=run.pk).order_by("-created_at").values_list("id", flat=True).first())
        run._previous_done_run_id = previous
    return run._previous_done_run_id


def previously_found(run, keys):
    """Those of the fingerprint `keys` found by the previous done run of the scan."""
    previous = previous_done_run_id(run)
    if previous is None:
        return set()
    rows = Result.objects.filter(run_id=previous, ip__in={ip for _nvt, ip, _port, _protocol in keys})
    return set(rows.values_list("nvt", "ip", "port", "protocol"))

"""The current findings and the run's results of one batch (ingest.store_hosts calls this).

Most findings of a run were there before with the same content (about 84% in the benchmark):
their rows only get the new status, run, scan and last_seen (a narrow UPDATE, `TOUCH_COLUMNS`);
new findings and changed ones are written whole with one INSERT ... ON CONFLICT DO UPDATE.
Whether the content changed is told by `content_hash`, so the stored text is never read back.
Ids, statuses and deltas are all known before anything is written, so the result rows are built
while PostgreSQL applies the findings' writes (bulk.write(meanwhile=...))."""

import hashlib
import os
import uuid

from findings.choices import Delta, FindingStatus, severity_level
from findings.models import Finding, Result
from scanning.choices import RunStatus
from scanning.models import ScanRun

from .bulk import Update, Upsert, upsert, write
from .ingest_ids import natural_id
from .matching import exception_for, port_label

# Rows are plain tuples in these column orders (bulk streams them).
SHARED_COLUMNS = ("check_info_id", "nvt", "name", "ip", "hostname", "port", "protocol", "severity", "original_severity",
                  "severity_level", "cvss_vector", "qod", "detection", "pci_fail", "exception_id")
SHARED_UPDATES = ("check_info", "name", "hostname", "severity", "original_severity", "severity_level", "cvss_vector",
                  "qod", "detection", "pci_fail", "exception", "updated_at")
FINDING_COLUMNS = ("id", "created_at", "updated_at", "organization_id", "product", *SHARED_COLUMNS, "host_id", "scan_id",
                   "run_id", "status", "first_seen", "last_seen", "fixed_at", "content_hash")
FINDING_UPDATES = (*SHARED_UPDATES, "host", "scan", "run", "status", "last_seen", "fixed_at", "content_hash")
TOUCH_COLUMNS = ("id", "status", "run_id", "scan_id", "last_seen", "updated_at", "fixed_at")  # a finding seen again
FINGERPRINT = ("organization", "product", "nvt", "ip", "port", "protocol")
RESULT_COLUMNS = ("id", "created_at", "updated_at", "organization_id", "product", *SHARED_COLUMNS, "run_id", "scan_id",
                  "finding_id", "delta")
RESULT_UPDATES = (*SHARED_UPDATES, "finding", "delta")
LEVELS = {}  # severity -> its level's value (few distinct severities)


def store_findings(run, hits, host_ids, checks, exceptions, now):
    """Write the batch's current findings and results: a constant number of queries."""
    before = previously_found(run, hits)
    existing = existing_findings(run, hits)
    findings, touched, rows = [], [], []
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
        if old is not None and old[3] == digest:
            touched.append((pk, status, run_id, scan_id, now, now, None))
        else:
            rows.append((pk, now, now, organization_id, product, *shared, host_id, scan_id, run_id, status, now, now,
                         None, digest))
        findings.append((hit.key, pk, status, shared))
    results = write(Upsert(Finding, FINDING_COLUMNS, rows, unique=FINGERPRINT, update=FINDING_UPDATES),
                    Update(Finding, TOUCH_COLUMNS, touched),
                    meanwhile=lambda: result_rows(run, findings, before, now))
    upsert(Result, RESULT_COLUMNS, results, unique=("run", "nvt", "ip", "port", "protocol"), update=RESULT_UPDATES)


def existing_findings(run, hits):
    """{fingerprint key: (id, status, run id, content hash)} of the batch's stored findings."""
    rows = Finding.objects.filter(organization_id=run.organization_id, product=run.product,
                                  ip__in={hit.host.ip for hit in hits}, nvt__in={hit.finding.nvt for hit in hits})
    return {(nvt, ip, port, protocol): (pk, status, run_id, digest) for pk, nvt, ip, port, protocol, status, run_id, digest
            in rows.values_list("id", "nvt", "ip", "port", "protocol", "status", "run_id", "content_hash")}


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


def previously_found(run, hits):
    """Fingerprints of the batch's hosts in the previous done run of the scan."""
    previous = previous_done_run_id(run)
    if previous is None:
        return set()
    rows = Result.objects.filter(run_id=previous, ip__in={hit.host.ip for hit in hits})
    return set(rows.values_list("nvt", "ip", "port", "protocol"))


def result_rows(run, findings, before, now):
    """The run's result rows; each one's delta against the previous done run of the scan."""
    head = (now, now, run.organization_id, run.product)
    tail = (run.pk, run.scan_id)
    persisting, reopened, new = Delta.PERSISTING.value, Delta.REOPENED.value, Delta.NEW.value
    randoms = os.urandom(16 * len(findings))
    rows = []
    for index, (key, pk, status, shared) in enumerate(findings):
        if key in before:
            delta = persisting
        else:
            delta = reopened if status == FindingStatus.REOPENED else new
        row_id = uuid.UUID(bytes=randoms[16 * index:16 * index + 16], version=4)
        rows.append((row_id, *head, *shared, *tail, pk, delta))
    return rows

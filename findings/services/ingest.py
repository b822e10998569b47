"""One ingestion path (scanning.md stage 6): a batch of finished hosts of a run, from the engine or
from an imported report, becomes rows: the run's hosts, the organization's host inventory, the
check catalogue text, the run's results and the current findings per fingerprint.

A batch costs a constant number of queries whatever its size: every table is read once for the
batch's keys and written with one bulk statement (`bulk_create(update_conflicts=True)`, an
INSERT ... ON CONFLICT DO UPDATE on SQLite and PostgreSQL alike). New rows get ids derived from
their natural key (uuid5), so two writers racing on the same fingerprint agree on its id."""

import hashlib
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from findings.choices import Delta, FindingStatus, severity_level
from findings.models import Finding, Host, Result
from scanning.choices import RunStatus
from scanning.models import RunHost, ScanRun

from .bulk import update_rows, upsert
from .catalogue import upsert_check_info
from .ingest_ids import natural_id
from .matching import active_exceptions, exception_for, port_label

# Rows are plain tuples in these column orders (bulk.upsert streams them).
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
HOST_COLUMNS = ("id", "created_at", "updated_at", "organization_id", "product", "ip", "hostname", "os", "mac",
                "first_seen", "last_seen", "ports", "vulnerability_count", "severity_counts", "max_severity")
HOST_UPDATES = ("hostname", "os", "mac", "last_seen", "ports", "updated_at")
RUN_HOST_COLUMNS = ("id", "created_at", "updated_at", "run_id", "organization_id", "ip", "hostname", "alive", "os", "mac",
                    "ports")
PORT_KEYS = ("port", "protocol", "service", "product", "version", "cpe", "tls")


class Hit:
    """One engine finding on one alive host, ready to become a result and a finding."""

    __slots__ = ("finding", "host", "key")

    def __init__(self, host, finding):
        self.host, self.finding = host, finding
        self.key = (finding.nvt, host.ip, finding.port, finding.protocol)  # the fingerprint within the organization


def store_hosts(run, hosts, now=None):
    """Store one batch of hosts of `run` (engine HostResults): every host of a run exactly once."""
    if not hosts:
        return
    now = now or timezone.now()
    hits = unique_hits(hosts)
    with transaction.atomic():
        upsert(RunHost, RUN_HOST_COLUMNS, [run_host(run, host, now) for host in hosts])
        alive = [host for host in hosts if host.alive]
        if not alive:
            return
        host_ids = upsert_hosts(run, alive, now)
        if not hits:
            return
        checks = upsert_check_info(run.organization_id, [hit.finding for hit in hits])
        exceptions = active_exceptions(run.organization_id, run.product, {hit.finding.nvt for hit in hits}, now)
        findings = upsert_findings(run, hits, host_ids, checks, exceptions, now)
        store_results(run, hits, findings, previously_found(run, hits), now)


def unique_hits(hosts):
    """One hit per fingerprint (a check reporting the same port twice keeps the most severe)."""
    hits = {}
    for host in hosts:
        if not host.alive:
            continue
        for finding in host.findings:
            hit = Hit(host, finding)
            kept = hits.get(hit.key)
            if kept is None or finding.severity > kept.finding.severity:
                hits[hit.key] = hit
    return list(hits.values())


def run_host(run, host, now):
    return (uuid.uuid4(), now, now, run.pk, run.organization_id, host.ip, host.hostname or "", host.alive,
            host.os or "", host.mac or "", [port_dict(p) for p in host.ports])


def port_dict(port):
    return {
        "port": port.port, "protocol": port.protocol, "state": port.state, "service": port.service,
        "product": port.product, "version": port.version, "cpe": port.cpe, "tls": port.tls,
        "banner": (port.banner or "")[:1024], "extra": port.extra or {},
    }


# --- the host inventory -------------------------------------------------------------------------


def upsert_hosts(run, alive, now):
    """{ip: host id}: first/last seen, hostname, os, mac and the open ports merged per address."""
    organization_id, product = run.organization_id, run.product
    existing = {row[1]: row for row in Host.objects.filter(organization_id=organization_id, product=product,
                                                          ip__in=[h.ip for h in alive])
                .values_list("id", "ip", "hostname", "os", "mac", "first_seen", "ports")}
    ids, rows = {}, {}
    for result in alive:  # an address listed twice (an imported report may) is one row, its last view
        old_id, _ip, hostname, os_name, mac, first_seen, ports = existing.get(result.ip) or (None, "", "", "", "", now, [])
        ids[result.ip] = old_id or natural_id("host", organization_id, product, result.ip)
        rows[result.ip] = (ids[result.ip], now, now, organization_id, product, result.ip, result.hostname or hostname,
                           result.os or os_name, result.mac or mac, first_seen, now, merged_ports(ports, result), 0, {},
                           None)
    upsert(Host, HOST_COLUMNS, list(rows.values()), unique=("organization", "product", "ip"), update=HOST_UPDATES)
    return ids


def merged_ports(old_ports, result):
    """This run's view of the ports it saw; ports only other scans saw stay (a complete host that
    this run found without a port it lists is the run's word on that port only if it scanned it,
    which the inventory cannot know, so they are kept)."""
    ports = {(p.get("port"), p.get("protocol")): p for p in old_ports}
    for port in result.ports:
        ports[(port.port, port.protocol)] = {key: getattr(port, key) for key in PORT_KEYS}
    return sorted(ports.values(), key=lambda p: (p.get("protocol") or "", p.get("port") or 0))


# --- findings and results -----------------------------------------------------------------------


@dataclass
class Stored:
    """A finding as this batch stored it: its id, status and the fields its result shares."""

    id: object
    status: str
    shared: tuple


def upsert_findings(run, hits, host_ids, checks, exceptions, now):
    """{fingerprint key: Stored}; statuses move new → open, fixed → reopened.

    Most findings of a run were there before with the same content (about 84% in the benchmark):
    their rows only get the new status, run, scan and last_seen (a narrow UPDATE, `TOUCH_COLUMNS`);
    new findings and changed ones are written whole with one INSERT ... ON CONFLICT DO UPDATE.
    Whether the content changed is told by `content_hash`, so the stored text is never read back."""
    organization_id, product = run.organization_id, run.product
    existing = {
        (nvt, ip, port, protocol): (pk, status, run_id, content_hash)
        for pk, nvt, ip, port, protocol, status, run_id, content_hash in Finding.objects.filter(
            organization_id=organization_id, product=product, ip__in={hit.host.ip for hit in hits},
            nvt__in={hit.finding.nvt for hit in hits},
        ).values_list("id", "nvt", "ip", "port", "protocol", "status", "run_id", "content_hash")
    }
    stored, rows, touched = {}, [], []
    for hit in hits:
        old = existing.get(hit.key)
        status = next_status(old, run)
        shared = shared_fields(run, hit, checks, exceptions)
        host_id = host_ids[hit.host.ip]
        digest = content_hash_of(shared, host_id)
        if old is None:
            pk = natural_id("finding", organization_id, product, *hit.key)
        else:
            pk = old[0]
            if old[3] == digest:
                touched.append((pk, status, run.pk, run.scan_id, now, now, None))
                stored[hit.key] = Stored(pk, status, shared)
                continue
        stored[hit.key] = Stored(pk, status, shared)
        rows.append((pk, now, now, organization_id, product, *shared, host_id, run.scan_id, run.pk, status, now, now,
                     None, digest))
    upsert(Finding, FINDING_COLUMNS, rows, unique=FINGERPRINT, update=FINDING_UPDATES)
    update_rows(Finding, TOUCH_COLUMNS, touched)
    return stored


def content_hash_of(shared, host_id):
    """A stable, non-zero 63-bit digest of what a finding row holds besides its sighting."""
    digest = hashlib.blake2b(repr((shared, host_id)).encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 1) | 1


def next_status(old, run):
    if old is None:
        return FindingStatus.NEW
    _pk, status, run_id, _content_hash = old
    if run_id == run.pk:  # the same run stored again: nothing moved
        return status
    return FindingStatus.REOPENED if status == FindingStatus.FIXED else FindingStatus.OPEN


def shared_fields(run, hit, checks, exceptions):
    """The SHARED_COLUMNS values of a hit, with the matching exception applied."""
    finding, host = hit.finding, hit.host
    original = float(finding.severity)
    exception = exception_for(exceptions, finding.nvt, host.ip, port_label(finding.port, finding.protocol), run.scan_id)
    severity = exception.new_severity if exception else original
    return (checks[finding.nvt], finding.nvt, (finding.name or "")[:512], host.ip, host.hostname or "", finding.port,
            finding.protocol, severity, original, str(severity_level(severity)), finding.cvss_vector or "",
            finding.qod, finding.detection or "", bool(finding.pci_fail), exception.pk if exception else None)


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


def delta_of(hit, stored, before):
    if hit.key in before:
        return Delta.PERSISTING
    return Delta.REOPENED if stored.status == FindingStatus.REOPENED else Delta.NEW


def store_results(run, hits, findings, before, now):
    rows = []
    for hit in hits:
        stored = findings[hit.key]
        rows.append((uuid.uuid4(), now, now, run.organization_id, run.product, *stored.shared,
                     run.pk, run.scan_id, stored.id, str(delta_of(hit, stored, before))))
    upsert(Result, RESULT_COLUMNS, rows, unique=("run", "nvt", "ip", "port", "protocol"), update=RESULT_UPDATES)

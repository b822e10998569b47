"""One ingestion path (scanning.md stage 6): a batch of finished hosts of a run, from the engine or
from an imported report, becomes rows: the run's hosts, the organization's host inventory, the
check catalogue text, the run's results and the current findings per fingerprint.

A batch costs a constant number of queries whatever its size: every table is read once for the
batch's keys and written with one bulk statement (`bulk_create(update_conflicts=True)`, an
INSERT ... ON CONFLICT DO UPDATE on SQLite and PostgreSQL alike). New rows get ids derived from
their natural key (uuid5), so two writers racing on the same fingerprint agree on its id."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from findings.choices import FindingStatus, severity_level
from findings.models import Finding, Host, Result
from scanning.models import RunHost

from .catalogue import upsert_check_info
from .ingest_ids import natural_id
from .matching import active_exceptions, exception_for, port_label

FINDING_UPDATE_FIELDS = [
    "check_info", "name", "hostname", "severity", "original_severity", "severity_level", "cvss_vector", "qod",
    "detection", "pci_fail", "exception", "host", "scan", "run", "status", "last_seen", "fixed_at", "updated_at",
]
RESULT_UPDATE_FIELDS = [
    "check_info", "name", "hostname", "severity", "original_severity", "severity_level", "cvss_vector", "qod",
    "detection", "pci_fail", "exception", "finding", "updated_at",
]
HOST_UPDATE_FIELDS = ["hostname", "os", "mac", "last_seen", "ports", "updated_at"]
PORT_KEYS = ("port", "protocol", "service", "product", "version", "cpe", "tls")


@dataclass
class Hit:
    """One engine finding on one alive host, ready to become a result and a finding."""

    host: object  # HostResult
    finding: object  # engine Finding

    @property
    def key(self):
        return (self.finding.nvt, self.host.ip, self.finding.port, self.finding.protocol)


def store_hosts(run, hosts, now=None):
    """Store one batch of hosts of `run` (engine HostResults): every host of a run exactly once."""
    if not hosts:
        return
    now = now or timezone.now()
    hits = unique_hits(hosts)
    with transaction.atomic():
        RunHost.objects.bulk_create([run_host(run, host) for host in hosts])
        alive = [host for host in hosts if host.alive]
        if not alive:
            return
        host_ids = upsert_hosts(run, alive, now)
        if not hits:
            return
        checks = upsert_check_info(run.organization_id, [hit.finding for hit in hits])
        exceptions = active_exceptions(run.organization_id, run.product, {hit.finding.nvt for hit in hits}, now)
        findings = upsert_findings(run, hits, host_ids, checks, exceptions, now)
        store_results(run, hits, findings)


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


def run_host(run, host):
    return RunHost(
        run=run, organization_id=run.organization_id, ip=host.ip, hostname=host.hostname or "", alive=host.alive,
        os=host.os or "", mac=host.mac or "", ports=[port_dict(p) for p in host.ports],
    )


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
    existing = {h.ip: h for h in Host.objects.filter(organization_id=organization_id, product=product,
                                                    ip__in=[h.ip for h in alive])}
    rows = {}
    for result in alive:
        old = existing.get(result.ip)
        rows[result.ip] = Host(
            id=old.pk if old else natural_id("host", organization_id, product, result.ip),
            organization_id=organization_id, product=product, ip=result.ip,
            hostname=result.hostname or (old.hostname if old else ""), os=result.os or (old.os if old else ""),
            mac=result.mac or (old.mac if old else ""), first_seen=old.first_seen if old else now, last_seen=now,
            ports=merged_ports(old.ports if old else [], result),
        )
    Host.objects.bulk_create(rows.values(), update_conflicts=True, unique_fields=["organization", "product", "ip"],
                             update_fields=HOST_UPDATE_FIELDS)
    return {ip: host.pk for ip, host in rows.items()}


def merged_ports(old_ports, result):
    """This run's view of the ports it saw; ports only other scans saw stay (a complete host that
    this run found without a port it lists is the run's word on that port only if it scanned it,
    which the inventory cannot know, so they are kept)."""
    ports = {(p.get("port"), p.get("protocol")): p for p in old_ports}
    for port in result.ports:
        ports[(port.port, port.protocol)] = {key: getattr(port, key) for key in PORT_KEYS}
    return sorted(ports.values(), key=lambda p: (p.get("protocol") or "", p.get("port") or 0))


# --- findings and results -----------------------------------------------------------------------


def upsert_findings(run, hits, host_ids, checks, exceptions, now):
    """{fingerprint key: Finding} after one upsert; statuses move new → open, fixed → reopened."""
    organization_id, product = run.organization_id, run.product
    existing = {
        (f.nvt, f.ip, f.port, f.protocol): f
        for f in Finding.objects.filter(organization_id=organization_id, product=product,
                                        ip__in={hit.host.ip for hit in hits}, nvt__in={hit.finding.nvt for hit in hits})
        .only("id", "nvt", "ip", "port", "protocol", "status", "run_id", "first_seen")
    }
    rows = {}
    for hit in hits:
        old = existing.get(hit.key)
        row = Finding(
            id=old.pk if old else natural_id("finding", organization_id, product, *hit.key),
            organization_id=organization_id, product=product, host_id=host_ids[hit.host.ip],
            scan_id=run.scan_id, run_id=run.pk, status=next_status(old, run),
            first_seen=old.first_seen if old else now, last_seen=now, fixed_at=None,
        )
        fill(row, run, hit, checks, exceptions)
        rows[hit.key] = row
    Finding.objects.bulk_create(rows.values(), update_conflicts=True, update_fields=FINDING_UPDATE_FIELDS,
                                unique_fields=["organization", "product", "nvt", "ip", "port", "protocol"])
    return rows


def next_status(old, run):
    if old is None:
        return FindingStatus.NEW
    if old.run_id == run.pk:  # the same run stored again: nothing moved
        return old.status
    return FindingStatus.REOPENED if old.status == FindingStatus.FIXED else FindingStatus.OPEN


def fill(row, run, hit, checks, exceptions):
    """The fields a result and a finding share, with the matching exception applied."""
    finding, host = hit.finding, hit.host
    row.check_info_id = checks[finding.nvt]
    row.nvt, row.name, row.ip, row.hostname = finding.nvt, finding.name[:512], host.ip, host.hostname or ""
    row.port, row.protocol = finding.port, finding.protocol
    row.cvss_vector, row.qod, row.detection = finding.cvss_vector, finding.qod, finding.detection
    row.pci_fail = bool(finding.pci_fail)
    row.original_severity = float(finding.severity)
    exception = exception_for(exceptions, finding.nvt, host.ip, port_label(finding.port, finding.protocol), run.scan_id)
    row.exception_id = exception.pk if exception else None
    row.severity = exception.new_severity if exception else row.original_severity
    row.severity_level = severity_level(row.severity)


def store_results(run, hits, findings):
    rows = []
    for hit in hits:
        finding = findings[hit.key]
        row = Result(
            id=natural_id("result", run.pk, *hit.key), organization_id=run.organization_id, product=run.product,
            run_id=run.pk, scan_id=run.scan_id, finding_id=finding.pk,
        )
        for name in ("check_info_id", "nvt", "name", "ip", "hostname", "port", "protocol", "severity",
                     "original_severity", "severity_level", "cvss_vector", "qod", "detection", "pci_fail",
                     "exception_id"):
            setattr(row, name, getattr(finding, name))
        rows.append(row)
    Result.objects.bulk_create(rows, update_conflicts=True, update_fields=RESULT_UPDATE_FIELDS,
                               unique_fields=["run", "nvt", "ip", "port", "protocol"])


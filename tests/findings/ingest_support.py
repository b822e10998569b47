"""Engine results built by hand, and runs stored and finished through the real services: for the
ingestion, finalize and exception service tests."""

from django.utils import timezone

from findings.services.finalize import Scope, finalize, summarize_partial
from findings.services.ingest import store_batches, store_hosts
from scanning.choices import RunStatus
from scanning.engine.types import Finding, HostResult, PortResult
from scanning.models import ScanRun
from scanning.ports import parse_port_ranges
from tests.scanning.factories import ScanFactory, ScanRunFactory, TargetFactory

HTTP_HEADERS = "CG-TEST-1"  # medium, web_servers
TELNET = "CG-TEST-2"  # high, pci_fail, remote_access
BANNER = "CG-TEST-3"  # log
OLD_VERSION = "CG-TEST-4"  # version-only match on a distribution build: qod 30
CHECKS = {
    HTTP_HEADERS: dict(name="Missing security headers", family="web_servers", port=80, severity=5.3,
                       cvss_vector="CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N"),
    TELNET: dict(name="Telnet service", family="remote_access", port=23, severity=7.5, pci_fail=True,
                 cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"),
    BANNER: dict(name="Server banner", family="web_servers", port=80, severity=0.0),
    OLD_VERSION: dict(name="OpenSSH < 9.3", family="known_vulnerable_versions", port=22, severity=9.8, qod=30),
}
SCOPE = Scope(families=["web_servers", "remote_access", "known_vulnerable_versions"],
              ports=parse_port_ranges("T:1-1024"))


def finding(check, **overrides):
    """An engine finding of one of CHECKS (`nvt=` gives it another id)."""
    fields = {"nvt": check, "detection": f"evidence of {check}", "solution": "Fix it.", "summary": f"About {check}",
              **CHECKS[check], **overrides}
    return Finding(**fields)


def host(ip, *nvts, alive=True, hostname="", findings=None):
    found = findings if findings is not None else [finding(nvt) for nvt in nvts]
    ports = sorted({f.port for f in found if f.port})
    return HostResult(ip=ip, hostname=hostname, alive=alive, findings=found,
                      ports=[PortResult(port=p, protocol="tcp", service="http") for p in ports])


def new_scan(organization, **fields):
    target = TargetFactory(organization=organization, hosts="192.0.2.0/24", host_count=256)
    return ScanFactory(organization=organization, target=target, **fields)


def new_run(scan):
    run = ScanRunFactory(scan=scan, status=RunStatus.RUNNING, started_at=timezone.now())
    return ScanRun.objects.select_related("scan", "scan__target", "scan__target__port_list", "scan__scan_profile").get(pk=run.pk)


def complete_run(scan, hosts, scope=SCOPE, batches=1):
    """A run of `scan` that stores `hosts` (in `batches`) and finishes done."""
    run = new_run(scan)
    size = max(1, -(-len(hosts) // batches))
    store_batches(run, (hosts[start:start + size] for start in range(0, len(hosts), size)))
    ScanRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    run.status = RunStatus.DONE
    finalize(run, scope)
    return ScanRun.objects.get(pk=run.pk)


def partial_run(scan, hosts, status=RunStatus.STOPPED):
    run = new_run(scan)
    store_hosts(run, hosts)
    ScanRun.objects.filter(pk=run.pk).update(status=status, finished_at=timezone.now(), partial=True)
    run.status = status
    summarize_partial(run)
    return ScanRun.objects.get(pk=run.pk)

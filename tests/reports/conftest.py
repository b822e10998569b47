"""Reports fixtures: a finished run with results written in bulk (any size, fast), and its report
record, for the organization and product of the `world`'s customer."""

import pytest
from django.utils import timezone

from findings.choices import severity_level
from findings.models import CheckInfo, Result
from reports.services.records import record_run
from tests.scanning.conftest import builtins, catalogue, client_of, run_db_worker_batch, subscribed  # noqa: F401
from tests.scanning.factories import ScanFactory, ScanRunFactory

SEVERITIES = (9.8, 7.5, 5.3, 4.3, 2.6, 0.0)


def make_checks(organization, count):
    rows = [CheckInfo(
        organization=organization, nvt=f"CG-{1000 + i}", name=f"Weakness number {i} of the service",
        family=("ssl_tls", "web_servers", "remote_access")[i % 3],
        cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", severity=SEVERITIES[i % len(SEVERITIES)],
        summary="The service accepts something it should refuse, which lets an attacker on the network read traffic.",
        insight="Older protocol versions and cipher suites have known weaknesses that attackers can exploit.",
        impact="An attacker may decrypt or alter the traffic between the client and the service.",
        solution=f"Apply fix {i % 7}: update the service or change its configuration as the vendor advises.",
        solution_type=("VendorFix", "Mitigation", "Workaround")[i % 3], cves=[f"CVE-2024-{1000 + i}"],
        references=[f"https://example.org/advisory/{i}"], pci_fail=i % 11 == 0,
    ) for i in range(count)]
    return CheckInfo.objects.bulk_create(rows)


def make_run(organization, hosts=5, per_host=4, scan=None, finished_at=None, name=None):
    """A done run of a scan of `organization` with hosts × per_host results (evidence, text)."""
    scan = scan or ScanFactory(organization=organization, **({"name": name} if name else {}))
    run = ScanRunFactory(scan=scan, status="done", started_at=timezone.now(), finished_at=finished_at or timezone.now(),
                         hosts_alive=hosts)
    checks = list(CheckInfo.objects.filter(organization=organization)) or make_checks(organization, max(per_host, 12))
    results = []
    for h in range(hosts):
        ip = f"10.{h // 65536}.{h // 256 % 256}.{h % 256}" if hosts > 250 else f"192.0.2.{h + 1}"
        for n in range(per_host):
            check = checks[(h + n) % len(checks)]
            results.append(Result(
                organization=organization, product=scan.product, run=run, scan=scan, check_info=check, nvt=check.nvt,
                name=check.name, ip=ip, hostname=f"host-{h}.example.test", port=(443, 22, 80, 25, 0)[n % 5],
                protocol="tcp", severity=check.severity, original_severity=check.severity,
                severity_level=severity_level(check.severity), cvss_vector=check.cvss_vector, qod=80 + n % 20,
                detection=f"Negotiated TLSv1.0 with cipher TLS_RSA_WITH_3DES_EDE_CBC_SHA on port {n}\nServer: nginx/1.22.1",
                pci_fail=check.pci_fail,
            ))
    Result.objects.bulk_create(results, batch_size=2000)
    counts = {"high": 0, "medium": 0, "low": 0, "log": 0}
    for r in results:
        counts[r.severity_level] += 1
    verdict = "fail" if any(r.severity >= 4.0 or r.pci_fail for r in results) else "pass"
    type(run).objects.filter(pk=run.pk).update(severity_counts=counts, max_severity=max((r.severity for r in results), default=None),
                                               pci_status=verdict, delta={"new": len(results), "fixed": 0, "persisting": 0})
    run.refresh_from_db()
    return record_run(run)


@pytest.fixture
def report(world, subscribed):  # noqa: F811 - the fixture imported above
    return make_run(world.customer)

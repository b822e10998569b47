"""Bulk seeding of the scanning and findings lists for bench_lists.py (SQLite and PostgreSQL): one
customer organization subscribed to PCI with a Manager caller, and `rows` each of targets, scans,
runs of one scan (its histories), hosts and current findings (over rows / 20 checks)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

BATCH = 1000
PRODUCT = "pci"


def _ip(n):
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


@transaction.atomic
def seed_resources(rows, api_key):
    """The Manager caller (benchmarks.seed.Caller) and the id of the scan whose runs are listed."""
    from accounts.models import User
    from benchmarks.seed import _caller
    from findings.models import CheckInfo, Finding, FindingSighting, Host
    from organizations.catalogue import seed_catalogue
    from organizations.models import Organization, Plan
    from organizations.services.subscriptions import PlanRequest, subscribe
    from scanning.models import PortList, Scan, Scanner, ScanProfile, ScanRun, Target

    seed_catalogue()
    org = Organization.objects.create(name="Bench customer", company_name="Bench customer Ltd")
    subscribe(None, org, PlanRequest(plan=Plan.objects.get(code="pci-standard")))
    manager = User.objects.create(username="bench-manager", email="manager@bench.test", role="Manager",
                                  organization=org, confirmed=True, active_product=PRODUCT)
    owned = {"organization": org, "product": PRODUCT}
    port_list = PortList.objects.filter(predefined=True).first()
    targets = Target.objects.bulk_create(
        [Target(**owned, name=f"Target {n:05d}", hosts=_ip(n), host_count=1, port_list=port_list, created_by=manager)
         for n in range(rows)], batch_size=BATCH)
    profile, scanner = ScanProfile.objects.first(), Scanner.objects.filter(predefined=True).first()
    scans = Scan.objects.bulk_create(
        [Scan(**owned, name=f"Scan {n:05d}", target=target, scan_profile=profile, scanner=scanner, created_by=manager)
         for n, target in enumerate(targets)], batch_size=BATCH)
    now = timezone.now()
    ScanRun.objects.bulk_create(
        [ScanRun(**owned, scan=scans[0], status="done", started_at=now - timedelta(hours=n + 1),
                 finished_at=now - timedelta(hours=n)) for n in range(rows)], batch_size=BATCH)
    hosts = Host.objects.bulk_create(
        [Host(**owned, ip=_ip(n), hostname=f"host{n}.bench.test", os="Debian 12", first_seen=now - timedelta(days=30),
              last_seen=now - timedelta(minutes=n % 1000)) for n in range(rows)], batch_size=BATCH)
    checks = CheckInfo.objects.bulk_create(
        [CheckInfo(organization=org, nvt=f"1.3.6.1.4.1.60000.2.{n}", name=f"Check {n:04d}", family="SSL and TLS",
                   severity=round(n * 37 % 101 / 10, 1), qod=80, cves=[f"CVE-2020-{10000 + n}"])
         for n in range(max(rows // 20, 1))], batch_size=BATCH)
    findings = Finding.objects.bulk_create(
        [Finding(**owned, check_info=check, nvt=check.nvt, name=check.name, host=host, ip=host.ip, port=443,
                 protocol="tcp", severity=check.severity, qod=(80, 80, 30)[n % 3], first_seen=now - timedelta(days=30))
         for n, (host, check) in enumerate((hosts[n % rows], checks[n % len(checks)]) for n in range(rows))],
        batch_size=BATCH)
    FindingSighting.objects.bulk_create(
        [FindingSighting(**owned, finding=finding, last_seen=now - timedelta(minutes=n % 997))
         for n, finding in enumerate(findings)], batch_size=BATCH)
    return _caller("Manager", manager, api_key), str(scans[0].pk)

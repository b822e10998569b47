"""Bulk seeding for bench_findings_list.py (PostgreSQL only): one organization subscribed to PCI,
a Manager caller, 20 scans, a catalogue of 500 checks, 50,000 hosts and `rows` current findings,
written by INSERT ... SELECT over generate_series (a million rows in about a minute)."""

from dataclasses import dataclass

from django.db import connection, transaction

CHECKS = 500
FINDINGS_PER_HOST = 20
SCANS = 20


@dataclass
class FindingsSeed:
    headers: dict
    scan_id: str
    check_name: str
    check_nvt: str
    cve: str
    host_ip: str

    @property
    def two_days_ago(self):  # a date range on last_seen (the seed's sightings span the last week)
        from datetime import timedelta

        from django.utils import timezone

        return (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_findings(rows):
    from accounts.models import User
    from accounts.services.api_keys import create_api_key
    from benchmarks.seed import _caller
    from findings.models import CheckInfo
    from organizations.catalogue import seed_catalogue
    from organizations.models import Organization, Plan
    from organizations.services import staff_organization
    from organizations.services.subscriptions import PlanRequest, subscribe
    from scanning.models import PortList, Scan, Scanner, ScanProfile, Target

    with transaction.atomic():
        seed_catalogue()
        staff = staff_organization()
        org = Organization.objects.create(name="Findings Org", company_name="Findings Ltd")
        subscribe(None, org, PlanRequest(plan=Plan.objects.get(code="pci-standard")))
        user = User.objects.create(username="bench-manager", email="m@bench.test", role="Manager", organization=org,
                                   confirmed=True, active_product="pci")
        _key, secret = create_api_key(name="Benchmark platform key", organization=staff)
        target = Target.objects.create(organization=org, product="pci", name="Bench target", hosts="10.0.0.0/16",
                                       host_count=65536, port_list=PortList.objects.filter(predefined=True).first())
        scans = [Scan.objects.create(organization=org, product="pci", name=f"Scan {n}", target=target,
                                     scan_profile=ScanProfile.objects.first(), scanner=Scanner.objects.filter(predefined=True).first())
                 for n in range(SCANS)]
        CheckInfo.objects.bulk_create([
            CheckInfo(organization=org, nvt=f"1.3.6.1.4.1.60000.2.{n}", name=f"Check {n:03d} {'TLS' if n % 5 else 'HTTP'} weakness",
                      family=("SSL and TLS", "Web servers", "Remote access", "Databases")[n % 4],
                      severity=round((n * 37 % 101) / 10, 1), qod=80, cves=[f"CVE-2020-{10000 + n}"], pci_fail=not n % 50)
            for n in range(CHECKS)
        ])
        _bulk_rows(org.pk, scans, rows)
    return FindingsSeed(headers=_caller("Manager", user, secret).headers, scan_id=str(scans[3].pk),
                        check_name="Check 042 TLS weakness", check_nvt="1.3.6.1.4.1.60000.2.42", cve="CVE-2020-10042",
                        host_ip="10.0.1.7")


def reuse_seed():
    """The seed of a database an earlier `--keep` run left, with a fresh API key and session."""
    from accounts.models import User
    from accounts.services.api_keys import create_api_key
    from benchmarks.seed import _caller
    from organizations.services import staff_organization
    from scanning.models import Scan

    user = User.objects.get(username="bench-manager")
    _key, secret = create_api_key(name="Benchmark platform key", organization=staff_organization())
    scan = Scan.objects.get(organization=user.organization, name="Scan 3")
    return FindingsSeed(headers=_caller("Manager", user, secret).headers, scan_id=str(scan.pk),
                        check_name="Check 042 TLS weakness", check_nvt="1.3.6.1.4.1.60000.2.42", cve="CVE-2020-10042",
                        host_ip="10.0.1.7")


def _bulk_rows(org_id, scans, rows):
    hosts = max(rows // FINDINGS_PER_HOST, 1)
    scan_ids = "ARRAY[" + ",".join(f"'{s.pk}'::uuid" for s in scans) + "]"
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE TEMP TABLE bench_hosts AS
            SELECT g AS n, gen_random_uuid() AS id,
                   ('10.' || (g / 65536) || '.' || ((g / 256) %% 256) || '.' || (g %% 256))::inet AS ip
            FROM generate_series(0, %s - 1) AS g""", [hosts])
        cursor.execute("""
            INSERT INTO findings_host (id, created_at, updated_at, organization_id, product, ip, hostname, os, mac,
                                       first_seen, last_seen, ports, vulnerability_count, severity_counts, max_severity)
            SELECT id, now(), now(), %s, 'pci', ip, 'host' || n || '.bench.test', 'Debian 12', '',
                   now() - interval '30 days', now() - (n %% 1000) * interval '1 minute',
                   '[{"port": 443, "protocol": "tcp", "service": "https"}]'::jsonb, 0, '{}'::jsonb, NULL
            FROM bench_hosts""", [org_id])
        cursor.execute("CREATE TEMP TABLE bench_checks AS SELECT row_number() OVER (ORDER BY nvt) - 1 AS n, * "
                       "FROM findings_checkinfo WHERE organization_id = %s", [org_id])
        cursor.execute(f"""
            INSERT INTO findings_finding (id, created_at, updated_at, organization_id, product, check_info_id, nvt, name,
                ip, hostname, port, protocol, severity, original_severity, severity_level, cvss_vector, qod, detection,
                pci_fail, exception_id, host_id, scan_id, status, first_seen, fixed_at)
            SELECT gen_random_uuid(), now(), now(), %s, 'pci', c.id, c.nvt, c.name,
                h.ip, '', (ARRAY[0, 22, 80, 443, 8443])[1 + g %% 5], 'tcp', c.severity, c.severity,
                CASE WHEN c.severity >= 7 THEN 'high' WHEN c.severity >= 4 THEN 'medium'
                     WHEN c.severity > 0 THEN 'low' ELSE 'log' END,
                '', CASE WHEN g %% 20 = 0 THEN 30 ELSE 80 END, 'evidence ' || g, c.pci_fail, NULL, h.id,
                ({scan_ids})[1 + h.n %% {len(scans)}],
                (ARRAY['open','open','open','open','open','open','open','new','fixed','reopened'])[1 + (g / 7) %% 10],
                now() - interval '30 days' - (g %% 7919) * interval '1 minute', NULL
            FROM generate_series(0, %s - 1) AS g
            JOIN bench_hosts h ON h.n = g / {FINDINGS_PER_HOST}
            JOIN bench_checks c ON c.n = (h.n * 13 + (g %% {FINDINGS_PER_HOST}) * 25) %% {CHECKS}""", [org_id, rows])
        # Every finding's sighting (findings.models.FindingSighting), last seen within the last week.
        cursor.execute("""
            INSERT INTO findings_findingsighting (finding_id, organization_id, product, run_id, last_seen)
            SELECT id, organization_id, product, NULL, now() - (abs(hashtext(id::text)) %% 10000) * interval '1 minute'
            FROM findings_finding WHERE organization_id = %s""", [org_id])
        cursor.execute("DROP TABLE bench_hosts; DROP TABLE bench_checks")

"""Real report files from other projects' test suites (data/real/README.md), imported through
POST /v2/scans/{id}/import and compared item by item with what the file says. The expectations
are read from each file here with ElementTree / csv, following the documented rules
(docs/imports.md): the detailed score wins, one finding per (host, check, port, protocol), the
most severe kept; counts are by level at QoD >= 70. A few values are also spelled out as read by
eye in the file, so a rule implemented the same wrong way on both sides still fails."""

import csv
import io

import pytest

from findings.models import Result
from scanning.models import RunHost, ScanRun
from tests.api_mixins import assert_error

from .real_files import (
    REAL,
    assert_same,
    findings_of,
    gvm_csv_items,
    imported,
    imported_as_read,
    nessus_v1_items,
    nmap_hosts,
    scan_for,
    upload,
)

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.mark.parametrize("name,hosts", [
    ("openvas_gmp9_one_vuln.xml", "10.0.101.2"),                     # GMP 9 (GVM 11), an override: severity 10 over original 5
    ("greenbone22_report_detail.xml", "10.99.99.99"),               # GMP 22.6, CVSS v3 in <severities>, 93 CVEs
    ("greenbone22_ip_hostname.xml", "192.0.2.10-12"),               # three hosts, host names present, absent, equal to the IP
    ("openvas4_get_reports.xml", "10.0.0.101"),                     # OpenVAS 4 (OMP 2011): no <severity>, two reports
])
def test_greenbone_xml_reports(api, world, name, hosts):
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, hosts, name, "gvm_xml")
    assert set(RunHost.objects.filter(run=run).values_list("ip", flat=True)) == {ip for ip, _, _ in expected}


def test_greenbone_xml_values_read_by_eye(api, world):
    client = api.as_user(world.user)
    gmp9, gvm22, omp = scan_for(world, "10.0.101.2"), scan_for(world, "10.99.99.99"), scan_for(world, "10.0.0.101")
    imported(client, gmp9, "openvas_gmp9_one_vuln.xml", "gvm_xml")
    imported(client, gvm22, "greenbone22_report_detail.xml", "gvm_xml")
    imported(client, omp, "openvas4_get_reports.xml", "gvm_xml")
    [firefox] = findings_of(client, gmp9).values()
    assert (firefox["nvt"], firefox["severity"], firefox["qod"], len(firefox["cves"])) == ("1.3.6.1.4.1.25623.1.0.832260", 10.0, 97, 12)
    assert firefox["references"] == ["https://www.mozilla.org/en-US/security/advisories/mfsa2023-34/"]
    [windows] = findings_of(client, gvm22).values()
    assert (windows["port"], windows["severity"], windows["qod"], len(windows["cves"])) == ("42/tcp", 9.8, 80, 93)
    assert windows["cvss_vector"] == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" and windows["solution_type"] == "VendorFix"
    old = {key[1]: value for key, value in findings_of(client, omp).items()}
    assert len(old) == 12  # 10 + 2 results, all distinct checks on one host
    # No <severity> in OpenVAS 4: the NVT's CVSS base score (7.1, 9.3), not the threat word (High = 7.5).
    assert old["1.3.6.1.4.1.25623.1.0.900213"]["severity"] == 7.1
    assert old["1.3.6.1.4.1.25623.1.0.900213"]["cves"] == ["CVE-2008-3146", "CVE-2008-3932", "CVE-2008-3933"]
    assert old["1.3.6.1.4.1.25623.1.0.902401"]["severity"] == 9.3
    assert old["1.3.6.1.4.1.25623.1.0.800032"]["severity"] == 2.0 and old["1.3.6.1.4.1.25623.1.0.800032"]["cves"] == []


# --- Greenbone CSV, and the XML/CSV pair -----------------------------------------------------------


def test_greenbone_csv_report_and_its_xml_twin(api, world):
    client = api.as_user(world.user)
    csv_scan, xml_scan = scan_for(world, "10.99.99.99"), scan_for(world, "10.99.99.99")
    run = imported(client, csv_scan, "greenbone22_report_detail.csv", "gvm_csv")
    expected = gvm_csv_items("greenbone22_report_detail.csv")
    assert_same(client, csv_scan, run, expected)
    imported(client, xml_scan, "greenbone22_report_detail.xml", "gvm_xml")

    def comparable(scan):
        return {key: (v["severity"], v["qod"], v["name"], sorted(v["cves"]), v["host"]["hostname"])
                for key, v in findings_of(client, scan).items()}

    assert comparable(csv_scan) == comparable(xml_scan) and len(expected) == 1
    assert RunHost.objects.get(run=run).hostname == "server99"


def test_greenbone_csv_reports_of_other_exports(api, world):
    """A 2021 export without the QoD column (QoD 70 assumed, docs/imports.md), and the CSV twin
    of greenbone22_ip_hostname.xml, which has fewer columns (no CVEs, no Solution Type)."""
    client = api.as_user(world.user)
    old, run, expected = imported_as_read(client, world, "192.168.118.212", "greenbone_2021_many_vuln_no_qod.csv", "gvm_csv")
    assert run.severity_counts["high"] == 1 and run.severity_counts["medium"] == 2 and run.severity_counts["low"] == 1
    tls = findings_of(client, old)["192.168.118.212", "1.3.6.1.4.1.25623.1.0.117274", "9200/tcp"]
    assert (tls["severity"], tls["cves"], tls["solution_type"]) == (4.3, ["CVE-2011-3389", "CVE-2015-0204"], "Mitigation")
    assert RunHost.objects.get(run=run).hostname == "LOGSRV"
    pair_csv, pair_xml = scan_for(world, "192.0.2.10-12"), scan_for(world, "192.0.2.10-12")
    run = imported(client, pair_csv, "greenbone22_ip_hostname.csv", "gvm_csv")
    assert_same(client, pair_csv, run, gvm_csv_items("greenbone22_ip_hostname.csv"))
    imported(client, pair_xml, "greenbone22_ip_hostname.xml", "gvm_xml")

    def comparable(scan):
        return {key: (v["severity"], v["qod"], v["name"], v["host"]["hostname"]) for key, v in findings_of(client, scan).items()}

    assert comparable(pair_csv) == comparable(pair_xml) and len(comparable(pair_csv)) == 3


def test_greenbone_csv_of_log_results(api, world):
    """Greenbone 22.4 (OpenVAS-VT 22.7.7) scan of scanme.nmap.org: 12 Log results and one Low,
    results without a port (general/tcp), one check on two ports, quotes doubled inside cells."""
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, "45.33.32.156", "greenbone22_scanme_logs.csv", "gvm_csv")
    assert len(expected) == 13
    assert {k: run.severity_counts[k] for k in ("high", "medium", "low", "log")} == {"high": 0, "medium": 0, "low": 1, "log": 12}
    found = findings_of(client, scan)
    assert {port for (_, nvt, port) in found if nvt == "1.3.6.1.4.1.25623.1.0.10330"} == {"80/tcp", "443/tcp"}
    assert found["45.33.32.156", "1.3.6.1.4.1.25623.1.0.80091", "general/tcp"]["severity"] == 2.6
    assert '"45.33.32.156" was used' in found["45.33.32.156", "1.3.6.1.4.1.25623.1.0.111038", "80/tcp"]["detection"]


def test_greenbone_csv_duplicate_rows_are_one_finding(api, world):
    """DefectDojo's report_combine_v2.csv lists one check on one host twice (two timestamp
    samples): one finding, one result, counted once."""
    client = api.as_user(world.user)
    scan = scan_for(world, "45.33.32.156")
    run = imported(client, scan, "greenbone22_duplicate_rows.csv", "gvm_csv")
    with open(REAL / "greenbone22_duplicate_rows.csv", newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 2
    [only] = findings_of(client, scan).values()
    assert (only["nvt"], only["port"], only["severity"]) == ("1.3.6.1.4.1.25623.1.0.80091", "general/tcp", 2.6)
    assert Result.objects.filter(run=run).count() == 1 and run.severity_counts["low"] == 1


def test_greenbone_report_without_results_is_refused(api, world):
    """DefectDojo's no_vuln.xml: a finished GMP 9 scan that found no host. There is no host to
    record a run of: 422, nothing stored."""
    scan = scan_for(world, "192.0.2.10")
    error = assert_error(upload(api.as_user(world.user), scan, "openvas_gmp9_no_vuln.xml", "gvm_xml"), 422, "file")
    assert "no hosts" in error["errors"]["file"][0]
    assert not ScanRun.objects.filter(scan=scan).exists()


# --- nmap --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,hosts", [
    ("nmap795_issue12411.xml", "172.217.18.238, 54.239.28.85"),  # Nmap 7.95, <!DOCTYPE nmaprun>, filtered ports
    ("nmap760_script_vulners.xml", "192.168.0.1"),               # Nmap 7.60, -sV with a script's output
    ("nmap476_metasploit.xml", "192.168.0.1"),                   # Nmap 4.76 (XML output 1.02), -A with a servicefp
])
def test_nmap_reports(api, world, name, hosts):
    client = api.as_user(world.user)
    scan = scan_for(world, hosts)
    run = imported(client, scan, name, "nmap_xml")
    expected = nmap_hosts(name)
    stored = {h.ip: h for h in RunHost.objects.filter(run=run)}
    assert set(stored) == set(expected)
    for ip, host in expected.items():
        assert stored[ip].alive == host["alive"] and stored[ip].hostname == host["hostname"]
        assert {(p["port"], p["protocol"]) for p in stored[ip].ports} == host["ports"]
    assert run.hosts_alive == sum(h["alive"] for h in expected.values())


def test_nmap_service_details_read_by_eye(api, world):
    client = api.as_user(world.user)
    scan = scan_for(world, "172.217.18.238, 54.239.28.85, 192.168.0.1")
    run = imported(client, scan, "nmap760_script_vulners.xml", "nmap_xml")
    [ssh] = RunHost.objects.get(run=run, ip="192.168.0.1").ports
    assert (ssh["port"], ssh["service"], ssh["product"], ssh["version"], ssh["cpe"]) == (5022, "ssh", "OpenSSH", "7.4", "cpe:/a:openbsd:openssh:7.4")
    assert "CVE-2018-15919" in ssh["extra"]["nmap"]["scripts"]["vulners"]
    run = imported(client, scan, "nmap476_metasploit.xml", "nmap_xml")
    web = next(p for p in RunHost.objects.get(run=run, ip="192.168.0.1").ports if p["port"] == 80)
    assert (web["service"], web["product"], web["version"]) == ("http", "Apache httpd", "2.2.11")
    assert web["extra"]["nmap"]["extrainfo"] == "(Ubuntu) PHP/5.2.6-3ubuntu4.2 with Suhosin-Patch"
    run = imported(client, scan, "nmap795_issue12411.xml", "nmap_xml")
    amazon = RunHost.objects.get(run=run, ip="54.239.28.85")
    assert sorted(p["port"] for p in amazon.ports) == [80, 443]  # 135, 139 and 445 are filtered
    assert RunHost.objects.get(run=run, ip="172.217.18.238").hostname == "google.com"  # the first name


def test_nmap_loopback_report_needs_an_allowance(api, world):
    """Nmap 6.40 of 127.0.0.1: a blocked address, refused until staff allow the network."""
    client = api.as_user(world.user)
    scan = scan_for(world, "192.0.2.1")
    assert_error(upload(client, scan, "nmap640_0port.xml", "nmap_xml"), 422, "file")
    world.customer.scan_allowed_networks = "127.0.0.0/8"
    world.customer.save(update_fields=["scan_allowed_networks"])
    scan.target.hosts = "127.0.0.1"
    scan.target.save(update_fields=["hosts"])
    run = imported(client, scan, "nmap640_0port.xml", "nmap_xml")
    [host] = RunHost.objects.filter(run=run)
    assert (host.ip, host.hostname, host.alive, host.ports) == ("127.0.0.1", "localhost.localdomain", True, [])


# --- Nessus v2 (Tenable.io export) and v1 (Nessus 4) -------------------------------------------------


def test_nessus_v2_tenable_export(api, world):
    """Tenable.io's export writes protocol="TCP", see_also and the OS as JSON lists, and names
    the host by its name with the address in host-ip."""
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, "172.26.103.174", "tenable_io_workbench_excerpt.nessus", "nessus")
    assert len(expected) == 10
    [host] = RunHost.objects.filter(run=run)
    assert (host.ip, host.hostname) == ("172.26.103.174", "swat.lab.tenablesecurity.com")
    assert host.os == "Linux Kernel 3.10.0-1127.18.2.el7.x86_64 on CentOS Linux release 7.8.2003 (Core)"
    sudo = findings_of(client, scan)["172.26.103.174", "nessus:145519", "general/tcp"]
    assert (sudo["severity"], sudo["cves"]) == (7.8, ["CVE-2021-3156"])  # cvss3 7.8 over cvss 7.2 and severity 3
    assert sudo["references"] == ["https://cwe.mitre.org/data/definitions/122.html", "http://www.nessus.org/u?4f678dbc"]
    assert run.severity_counts["high"] == 9 and run.severity_counts["medium"] == 1


def test_nessus_v1_report_of_a_host_name(api, world):
    """Nessus 4's v1 file names its host scanme.insecure.org; the address is the one Nessus
    resolved it to (plugin 12053); severities are numbers, plugin 0 items list open ports."""
    client = api.as_user(world.user)
    scan = scan_for(world, "64.13.134.52")
    run = imported(client, scan, "nessus4_v1_scanme_excerpt.nessus", "nessus")
    expected = nessus_v1_items("nessus4_v1_scanme_excerpt.nessus", "64.13.134.52")
    assert len(expected) == 22
    assert_same(client, scan, run, expected)
    [host] = RunHost.objects.filter(run=run)
    assert (host.hostname, host.os) == ("scanme.insecure.org", "Linux Kernel 2.6 on Red Hat Enterprise Linux 5")
    assert {(p["port"], p["protocol"]) for p in host.ports} >= {(21, "tcp"), (53, "tcp"), (80, "tcp"), (554, "tcp"), (7070, "tcp")}
    trace = findings_of(client, scan)["64.13.134.52", "nessus:11213", "80/tcp"]
    assert (trace["severity"], trace["cves"]) == (4.3, ["CVE-2003-1567", "CVE-2004-2320"])
    assert run.severity_counts["medium"] == 3  # the file's num_med


# --- every real file: a re-import changes nothing, a cut copy stores nothing -----------------------


REAL_FILES = [
    ("openvas_gmp9_one_vuln.xml", "gvm_xml", "10.0.101.2"), ("greenbone22_report_detail.csv", "gvm_csv", "10.99.99.99"),
    ("openvas4_get_reports.xml", "gvm_xml", "10.0.0.101"), ("nmap795_issue12411.xml", "nmap_xml", "172.217.18.238, 54.239.28.85"),
    ("tenable_io_workbench_excerpt.nessus", "nessus", "172.26.103.174"),
    ("nessus4_v1_scanme_excerpt.nessus", "nessus", "64.13.134.52"),
    ("nessus42_v2_scanme_excerpt.nessus", "nessus", "64.13.134.52"), ("nmap640_os_scan_24.xml", "nmap_xml", "192.168.1.0/24"),
]


@pytest.mark.parametrize("name,fmt,hosts", REAL_FILES)
def test_real_files_reimport_and_truncation(api, world, name, fmt, hosts):
    client = api.as_user(world.user)
    scan = scan_for(world, hosts)
    first = imported(client, scan, name, fmt)
    second = imported(client, scan, name, fmt)
    assert second.delta["new"] == 0 and second.delta["fixed"] == 0
    assert second.severity_counts == first.severity_counts
    cut = scan_for(world, hosts)
    body = (REAL / name).read_bytes()
    file = io.BytesIO(body[: len(body) * 2 // 3] if fmt != "gvm_csv" else body[: body.index(b"CVE-2025-48800")])
    file.name = name
    response = client.client.post(f"/v2/scans/{cut.pk}/import", {"file": file, "format": fmt}, **client.headers)
    assert_error(response, 422, "file")
    assert not ScanRun.objects.filter(scan=cut).exists()


@pytest.mark.parametrize("name", ["defusedxml_xmlbomb.xml", "defusedxml_external.xml", "libnmap_defused_local_includer.xml"])
@pytest.mark.parametrize("fmt", ["nmap_xml", "gvm_xml", "nessus"])
def test_defusedxml_attack_files_are_refused(api, world, name, fmt):
    """defusedxml's own test files (a billion-laughs bomb, an external entity) and python-libnmap's
    external entity: 422, nothing stored."""
    scan = scan_for(world, "192.0.2.10")
    error = assert_error(upload(api.as_user(world.user), scan, name, fmt), 422, "file")
    assert "entities" in error["errors"]["file"][0]
    assert not ScanRun.objects.filter(scan=scan).exists() and not RunHost.objects.exists()


@pytest.mark.parametrize("name,target,ip", [
    ("nessus4_v1_scanme_excerpt.nessus", "scanme.insecure.org", "64.13.134.52"),
    ("tenable_io_workbench_excerpt.nessus", "swat.lab.tenablesecurity.com", "172.26.103.174"),
])
def test_a_target_naming_the_host_covers_it(api, world, name, target, ip):
    """Both Nessus files name their host; a target listing that name takes the report."""
    client = api.as_user(world.user)
    run = imported(client, scan_for(world, target), name, "nessus")
    assert list(RunHost.objects.filter(run=run).values_list("ip", flat=True)) == [ip] and not run.error

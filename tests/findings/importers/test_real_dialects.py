"""More real report files (data/real/README.md): Nmap 4.53 to 7.97 (IPv6, <hosthint>, host
scripts, a /24 with hosts down), a Greenbone 22 CSV of 14 hosts, a Nessus 4.2 v2 export, and files
that are refused. Imported through POST /v2/scans/{id}/import and compared with the file
read here independently (the readers of test_real_reports.py), plus values read by eye."""

import pytest

from findings.models import Result
from scanning.models import RunHost, ScanRun
from tests.api_mixins import assert_error

from .real_files import (
    findings_of,
    imported,
    imported_as_read,
    nmap_hosts,
    scan_for,
    upload,
)

pytestmark = pytest.mark.usefixtures("subscribed")


def assert_hosts_as_in_file(run, name):
    expected = nmap_hosts(name)
    stored = {h.ip: h for h in RunHost.objects.filter(run=run)}
    assert set(stored) == set(expected)
    for ip, host in expected.items():
        assert (stored[ip].alive, stored[ip].hostname) == (host["alive"], host["hostname"]), ip
        assert {(p["port"], p["protocol"]) for p in stored[ip].ports} == host["ports"], ip
    assert run.hosts_alive == sum(h["alive"] for h in expected.values())
    return stored


# --- nmap ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,hosts", [
    ("nmap453_scan_base.xml", "66.35.250.168"),          # Nmap 4.53 -A: osmatch with nested osclass, trace, a closed port
    ("nmap551_filtered_host.xml", "10.1.1.1"),           # Nmap 5.51: a host up with all 1000 ports filtered
    ("nmap647_node_libnmap.xml", "10.11.18.1-32"),       # Nmap 6.47: no XML declaration, doctype first, no final newline
    ("nmap521_os_scan_24.xml", "192.168.1.0/24"),        # Nmap 5.21 -O of a /24: 252 hosts down, MACs, OS classes only
    ("nmap640_os_scan_24.xml", "192.168.1.0/24"),        # Nmap 6.40 -O -vv of the same /24: 253 down, task lines between hosts
    ("nmap780_hostscript_smb.xml", "10.50.0.2"),         # Nmap 7.80: a <hostscript> (smb-protocols) with a table
    ("nmap791_ping_scan.xml", "172.28.1.3"),             # Nmap 7.91 -sP: no <scaninfo>, a host without <ports>
    ("nmap793_ipv6_hosthint_excerpt.xml", "2600:3c01::f03c:91ff:fe18:bb2f"),  # Nmap 7.93 -6: IPv6, <hosthint>
    ("nmap797_service_scan_excerpt.xml", "10.50.0.2"),   # Nmap 7.97 -sV: <hosthint>, tunnel="ssl", <cpe>
])
def test_nmap_reports_of_other_versions(api, world, name, hosts):
    client = api.as_user(world.user)
    run = imported(client, scan_for(world, hosts), name, "nmap_xml")
    assert_hosts_as_in_file(run, name)


def test_nmap_os_guesses_read_by_eye(api, world):
    """The best <osmatch> (the first of equal accuracies, as nmap lists them); without one, the
    best <osclass>es as nmap's "Running:" line writes them."""
    client = api.as_user(world.user)
    run = imported(client, scan_for(world, "192.168.1.0/24"), "nmap521_os_scan_24.xml", "nmap_xml")
    stored = {h.ip: h for h in RunHost.objects.filter(run=run, alive=True)}
    assert sorted(stored, key=lambda ip: int(ip.rsplit(".", 1)[1])) == ["192.168.1.1", "192.168.1.3", "192.168.1.4", "192.168.1.5"]
    assert (stored["192.168.1.1"].os, stored["192.168.1.1"].mac) == ("Chumby Internet radio", "6C:2E:85:19:AF:00")
    assert stored["192.168.1.4"].os == "Linux 2.6.X"  # seven <osclass>, no <osmatch>
    assert (stored["192.168.1.3"].os, stored["192.168.1.3"].ports) == ("", [])  # an empty <os/>, all ports filtered
    assert RunHost.objects.filter(run=run, alive=False).count() == 252
    run = imported(client, scan_for(world, "192.168.1.0/24"), "nmap640_os_scan_24.xml", "nmap_xml")
    stored = {h.ip: h for h in RunHost.objects.filter(run=run, alive=True)}
    assert {ip: h.os for ip, h in stored.items()} == {
        "192.168.1.1": "Linux 2.6.13 (embedded)",
        "192.168.1.3": "Apple Mac OS X 10.8 (Mountain Lion) (Darwin 12.0.0)",  # two at 100 %: the first
        "192.168.1.5": "Microsoft Windows Server 2008 Beta 3"}  # five at 100 %: the first
    assert (stored["192.168.1.5"].mac, sorted(p["service"] for p in stored["192.168.1.5"].ports)) == (
        "00:1F:3C:87:66:50", ["icslap", "wsdapi"])
    run = imported(client, scan_for(world, "66.35.250.168"), "nmap453_scan_base.xml", "nmap_xml")
    [freshmeat] = RunHost.objects.filter(run=run)
    assert (freshmeat.hostname, freshmeat.os) == ("freshmeat.net", "MicroTik RouterOS 2.9.46")  # ten at 94 %: the first
    [web] = freshmeat.ports  # 443 is closed
    assert (web["port"], web["product"], web["version"]) == (80, "Apache httpd", "1.3.39")
    assert web["extra"]["nmap"]["scripts"]["HTML title"] == "freshmeat.net: Welcome to freshmeat.net"


def test_nmap_loopback_scan_with_scripts(api, world):
    """Nmap 5.51 -sV -O with NSE scripts of 127.0.0.1: refused while the address is blocked;
    once allowed, its services, script output and OS classes are kept."""
    client = api.as_user(world.user)
    scan = scan_for(world, "192.0.2.1")
    error = assert_error(upload(client, scan, "nmap551_os_banner_scripts.xml", "nmap_xml"), 422, "file")
    assert "not in the scan's target" in error["errors"]["file"][0]
    world.customer.scan_allowed_networks = "127.0.0.0/8"
    world.customer.save(update_fields=["scan_allowed_networks"])
    scan.target.hosts = "127.0.0.1"
    scan.target.save(update_fields=["hosts"])
    run = imported(client, scan, "nmap551_os_banner_scripts.xml", "nmap_xml")
    [host] = assert_hosts_as_in_file(run, "nmap551_os_banner_scripts.xml").values()
    assert (host.hostname, host.os) == ("localhost", "Netgear embedded, Linux 2.6.X")  # two classes at 96 %
    ports = {p["port"]: p for p in host.ports}
    assert (ports[22]["product"], ports[22]["version"], ports[22]["extra"]["nmap"]["extrainfo"]) == ("OpenSSH", "5.3", "protocol 2.0")
    assert "Potentially risky methods: PUT" in ports[631]["extra"]["nmap"]["scripts"]["http-methods"]
    assert ports[8080]["service"] == "tcpwrapped"


def test_nmap_7_service_and_ipv6_details_read_by_eye(api, world):
    client = api.as_user(world.user)
    run = imported(client, scan_for(world, "10.50.0.2"), "nmap797_service_scan_excerpt.xml", "nmap_xml")
    [host] = RunHost.objects.filter(run=run)  # the <hosthint> before it is not a second host
    assert host.hostname == "example.com"  # the name the user gave, before the PTR
    web = {p["port"]: p for p in host.ports}
    assert (web[443]["service"], web[443]["tls"], web[443]["product"], web[443]["cpe"]) == ("https", True, "nginx", "cpe:/a:igor_sysoev:nginx")
    assert (web[80]["service"], web[80]["tls"], web[80]["extra"]["nmap"]["extrainfo"]) == ("http", False, "reverse proxy")
    run = imported(client, scan_for(world, "2600:3c01::f03c:91ff:fe18:bb2f"), "nmap793_ipv6_hosthint_excerpt.xml", "nmap_xml")
    [host] = RunHost.objects.filter(run=run)
    assert (host.ip, host.hostname) == ("2600:3c01::f03c:91ff:fe18:bb2f", "scanme.nmap.org")
    assert sorted((p["port"], p["service"]) for p in host.ports) == [(22, "ssh"), (80, "http"), (31337, "Elite")]


# --- Greenbone CSV ---------------------------------------------------------------------------------------

def test_greenbone_csv_of_many_hosts_sorted_by_severity(api, world):
    """A Greenbone 22.4 CSV of 14 hosts sorted by severity: each host's rows are scattered through
    the file (the spool path), the first IP has leading spaces, one result is listed twice."""
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, "10.63.152.0/24", "greenbone22_many_hosts_by_severity.csv", "gvm_csv")
    assert len(expected) == 26  # 27 rows, the TRACE result on 10.63.152.16 twice
    hosts = {h.ip: h.hostname for h in RunHost.objects.filter(run=run)}
    assert len(hosts) == 14 and hosts["10.63.152.16"] == "l-1ansr01.bzdtst.XX.de"
    assert {k: run.severity_counts[k] for k in ("high", "medium", "low")} == {"high": 0, "medium": 11, "low": 15}
    trace = findings_of(client, scan)["10.63.152.16", "1.3.6.1.4.1.25623.1.0.11213", "8443/tcp"]
    assert (trace["severity"], trace["qod"], len(trace["cves"])) == (5.8, 99, 11)


def test_greenbone_csv_of_cve_scanner_results(api, world):
    """Greenbone's CVE scanner (a 2024 export): 43 results of one host, each named and identified by
    its CVE (in NVT Name and NVT OID, the CVEs column empty), no port, HTML entities left escaped."""
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, "45.33.32.156", "greenbone_cve_scan_results.csv", "gvm_csv")
    assert len(expected) == 43
    assert {k: run.severity_counts[k] for k in ("high", "medium")} == {"high": 21, "medium": 22}
    optionsbleed = findings_of(client, scan)["45.33.32.156", "CVE-2017-9798", "general/tcp"]
    assert (optionsbleed["name"], optionsbleed["severity"], optionsbleed["qod"], optionsbleed["cves"]) == (
        "CVE-2017-9798", 7.5, 75, ["CVE-2017-9798"])


# --- Nessus 4.2 v2 -------------------------------------------------------------------------------------

def test_nessus_42_v2_export(api, world):
    """Nessus 4.2's v2: open ports as plugin 0 items (not findings), notes at severity 1 with
    risk_factor None (0.0, not Low), several <see_also> elements, the host named by its name."""
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, "64.13.134.52", "nessus42_v2_scanme_excerpt.nessus", "nessus")
    assert len(expected) == 15
    [host] = RunHost.objects.filter(run=run)
    assert (host.ip, host.hostname, host.os) == ("64.13.134.52", "scanme.insecure.org", "NetBSD 3.0")
    assert {(p["port"], p["protocol"], p["service"]) for p in host.ports} == {
        (21, "tcp", "ftp"), (53, "tcp", "dns"), (53, "udp", "dns"), (554, "tcp", "rtsp"), (7070, "tcp", "arcp")}
    found = findings_of(client, scan)
    recursion = found["64.13.134.52", "nessus:10539", "53/udp"]
    assert (recursion["severity"], recursion["cves"], recursion["cvss_vector"]) == (5.0, ["CVE-1999-0024"], "AV:N/AC:L/Au:N/C:N/I:P/A:N")
    assert recursion["references"] == ["http://www.cert.org/advisories/CA-1997-22.html",
                                       "http://technet.microsoft.com/en-us/library/cc787602%28WS.10%29.aspx"]
    assert found["64.13.134.52", "nessus:35371", "53/udp"]["severity"] == 0.0
    assert not any(nvt == "nessus:0" for _, nvt, _ in found)
    assert {k: run.severity_counts[k] for k in ("medium", "low")} == {"medium": 2, "low": 2}


def test_nessus_52_export_of_a_firewall(api, world):
    """Nessus 5.2.1: the port scanner's items list the open ports (svc_name "https?"), every item
    is informational, the host is named by its name."""
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, "12.233.108.201", "nessus52_report_excerpt.nessus", "nessus")
    assert len(expected) == 7  # plugin 11219 on two ports
    [host] = RunHost.objects.filter(run=run)
    assert (host.hostname, host.os) == ("preprod.boardvantage.net", "CISCO PIX 7.0")
    assert sorted((p["port"], p["service"]) for p in host.ports) == [(264, "fw1-topology-download"), (443, "https")]
    assert run.severity_counts["log"] == 7 and run.severity_counts["high"] == 0


def test_nessus_10_export(api, world):
    """Nessus 10.1.1, pretty-printed: texts indented across lines, a <see_also> of two links on two
    lines, CVSS v3 5.3 over v2 5.0 and risk_factor Medium, an ICMP item scored 0.0 in the file."""
    client = api.as_user(world.user)
    scan, run, expected = imported_as_read(client, world, "44.228.249.3", "nessus10_cvss3_excerpt.nessus", "nessus")
    assert len(expected) == 10
    [host] = RunHost.objects.filter(run=run)
    assert (host.hostname, host.os, [p["port"] for p in host.ports]) == ("testphp.vulnweb.com", "Linux Kernel 2.6", [80])
    found = findings_of(client, scan)
    dirs = found["44.228.249.3", "nessus:40984", "80/tcp"]
    assert (dirs["severity"], dirs["cvss_vector"]) == (5.3, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N")
    assert found["44.228.249.3", "nessus:45590", "general/tcp"]["references"] == [
        "http://cpe.mitre.org/", "https://nvd.nist.gov/products/cpe"]
    icmp = found["44.228.249.3", "nessus:10114", "general/icmp"]
    assert (icmp["severity"], icmp["cves"]) == (0.0, ["CVE-1999-0524"])
    assert {k: run.severity_counts[k] for k in ("medium", "low", "log")} == {"medium": 1, "low": 0, "log": 9}


# --- refused files -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,fmt,reason", [
    # The same export with its other host: the file has "</description><<plugin_publication_date>"
    # (ruby-nessus's parser, Nokogiri, recovers from it; expat does not).
    ("nessus42_v2_two_hosts_excerpt.nessus", "nessus", "not well-formed XML or is truncated (not well-formed (invalid token): line 118"),
    ("nessus_v_wrong_root.nessus", "nessus", "its root element is <NessusClientData_vwrong>"),
    ("greenbone_csv_header_only.csv", "gvm_csv", "no hosts"),
    ("libnmap_defused_included_root.xml", "nmap_xml", "This is not a nmap XML file: its root element is <root>"),
    # DefectDojo's GVM 11 report, anonymised to a host address that is not one
    ("gvm11_invalid_host_address_excerpt.xml", "gvm_xml", "'192.168.1.1001' is not an IP address"),
    # secureCodeBox's copy of an Nmap 7.93 file starts with an SPDX comment before <?xml ...?>
    ("nmap793_ipv6_spdx_header.xml", "nmap_xml", "XML or text declaration not at start of entity: line 7"),
    # python-libnmap's "incomplete" scan (its parser's incomplete=True case): no </nmaprun>
    ("nmap551_incomplete_libnmap.xml", "nmap_xml", "The file is truncated: it ends (line 29) before its <nmaprun> element is closed"),
])
def test_malformed_real_files_are_refused(api, world, name, fmt, reason):
    scan = scan_for(world, "173.45.230.150, 64.13.134.52")
    error = assert_error(upload(api.as_user(world.user), scan, name, fmt), 422, "file")
    assert reason in error["errors"]["file"][0]
    assert not ScanRun.objects.filter(scan=scan).exists() and not RunHost.objects.exists() and not Result.objects.exists()

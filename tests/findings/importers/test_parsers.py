"""The report parsers, on realistic files of every dialect, and on broken and hostile ones."""

import re
from pathlib import Path

import pytest

from findings.importers import RESTART, HostReader, ReportError, read_report
from findings.importers.reader import read_hosts

DATA = Path(__file__).parent / "data"


def hosts_of(path, format_name):
    return {host.ip: host for host in read_report(path, format_name)}


def by_nvt(host):
    return {(f.nvt, f.port, f.protocol): f for f in host.findings}


def test_nmap7_hosts_ports_services_and_states():
    hosts = hosts_of(DATA / "nmap7.xml", "nmap_xml")
    assert set(hosts) == {"192.0.2.10", "192.0.2.11", "192.0.2.12", "2001:db8::10"}
    web = hosts["192.0.2.10"]
    assert web.hostname == "wébserver.example.test" and web.mac == "52:54:00:12:34:56"
    assert web.os == "Linux 5.0 - 5.14"
    ports = {(p.port, p.protocol): p for p in web.ports}
    assert set(ports) == {(22, "tcp"), (80, "tcp"), (443, "tcp")}  # filtered 3306 is not open
    assert (ports[22, "tcp"].product, ports[22, "tcp"].version) == ("OpenSSH", "9.2p1 Debian 2+deb12u3")
    assert ports[22, "tcp"].cpe == "cpe:/a:openbsd:openssh:9.2p1"
    assert ports[443, "tcp"].service == "https" and ports[443, "tcp"].tls
    assert ports[80, "tcp"].extra["nmap"]["scripts"]["http-server-header"] == "Apache/2.4.49 (Unix)"
    assert hosts["192.0.2.11"].alive is False
    assert hosts["192.0.2.12"].ports == [] and hosts["192.0.2.12"].alive
    assert {(p.port, p.protocol) for p in hosts["2001:db8::10"].ports} == {(25, "tcp"), (161, "udp")}
    assert all(not h.findings for h in hosts.values())


def test_nmap4_old_dialect_without_cpes():
    hosts = hosts_of(DATA / "nmap4.xml", "nmap_xml")
    ports = {p.port: p for p in hosts["198.51.100.5"].ports}
    assert (ports[21].product, ports[21].version, ports[21].cpe) == ("vsftpd", "2.3.4", "")
    assert hosts["198.51.100.5"].hostname == "old.example.test"


def test_gvm_xml_keeps_greenbone_ids_scores_and_texts():
    hosts = hosts_of(DATA / "gvm22.xml", "gvm_xml")
    assert set(hosts) == {"192.0.2.10", "192.0.2.12", "2001:db8::10"}
    web = hosts["192.0.2.10"]
    assert web.os == "Debian GNU/Linux 12" and web.hostname == "wébserver.example.test"
    found = by_nvt(web)
    assert len(found) == 5  # the duplicated SSH result collapsed into one
    apache = found["1.3.6.1.4.1.25623.1.0.117711", 80, "tcp"]
    assert apache.severity == 9.8 and apache.qod == 80 and apache.cves == ("CVE-2021-41773",)
    assert apache.cvss_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert apache.solution_type == "VendorFix" and apache.solution == "Update to version 2.4.51 or later."
    assert apache.family == "Web Servers" and "Installed version: 2.4.49" in apache.detection
    assert apache.references == ("https://www.example.org/advisory",)
    tls = found["1.3.6.1.4.1.25623.1.0.117274", 443, "tcp"]
    assert tls.cvss_vector == "AV:N/AC:M/Au:N/C:P/I:N/A:N" and tls.cves == ("CVE-2011-3389", "CVE-2015-0204")
    assert found["1.3.6.1.4.1.25623.1.0.105937", 0, "tcp"].severity == 0.0  # log result, general port
    assert hosts["192.0.2.12"].findings == [] and hosts["192.0.2.12"].hostname == "printer.example.test"
    assert by_nvt(hosts["2001:db8::10"])["1.3.6.1.4.1.25623.1.0.100072", 25, "tcp"].qod == 99


def test_gvm_xml_and_csv_of_one_scan_give_the_same_findings():
    xml, csv = hosts_of(DATA / "gvm22.xml", "gvm_xml"), hosts_of(DATA / "gvm22.csv", "gvm_csv")
    fields = ("nvt", "name", "port", "protocol", "severity", "qod", "cves", "solution_type", "detection", "summary")

    def comparable(hosts):
        return {ip: sorted(tuple(getattr(f, n) for n in fields) for f in h.findings) for ip, h in hosts.items() if h.findings}

    assert comparable(xml) == comparable(csv)
    assert {ip: h.hostname for ip, h in csv.items()} == {"192.0.2.10": "wébserver.example.test", "2001:db8::10": "mail.example.test"}


def test_openvas6_old_dialect_threat_cve_text_and_port_names():
    hosts = hosts_of(DATA / "openvas6.xml", "gvm_xml")
    found = by_nvt(hosts["198.51.100.5"])
    backdoor = found["1.3.6.1.4.1.25623.1.0.103185", 21, "tcp"]
    assert backdoor.severity == 7.5  # severity-less result: its threat word decides
    assert backdoor.cves == ("CVE-2011-2523",) and backdoor.cvss_vector == "AV:N/AC:L/Au:N/C:P/I:P/A:P"
    assert backdoor.references == ("https://www.securityfocus.com/bid/48539",)
    assert found["1.3.6.1.4.1.25623.1.0.80091", 0, "tcp"].cves == ()  # NOCVE placeholder dropped
    assert ("1.3.6.1.4.1.25623.1.0.810002", 0, "tcp") in found


def test_nessus_v2_plugins_scores_and_evidence():
    hosts = hosts_of(DATA / "nessus_v2.nessus", "nessus")
    assert set(hosts) == {"192.0.2.10", "192.0.2.20", "2001:db8::20"}
    web = hosts["192.0.2.10"]
    assert web.hostname == "wébserver.example.test" and web.os == "Linux Kernel 6.1 on Debian 12"
    found = by_nvt(web)
    assert len(found) == 5  # the duplicated TLS 1.0 item collapsed
    apache = found["nessus:153884", 80, "tcp"]
    assert apache.severity == 9.8 and apache.cves == ("CVE-2021-41773", "CVE-2021-42013")
    assert apache.cvss_vector.startswith("CVSS:3.0/") and "Installed version : 2.4.49" in apache.detection
    assert apache.references == ("https://httpd.apache.org/security/vulnerabilities_24.html", "https://www.nessus.org/u?12345")
    snmp = found["nessus:41028", 161, "udp"]
    assert snmp.severity == 7.5 and snmp.cvss_vector == "AV:N/AC:L/Au:N/C:P/I:P/A:P"  # v2 only
    assert found["nessus:19506", 0, "tcp"].severity == 0.0
    assert {(p.port, p.protocol) for p in web.ports} == {(22, "tcp"), (80, "tcp"), (443, "tcp"), (161, "udp")}
    assert hosts["2001:db8::20"].hostname == "ipv6.example.test"


def test_nessus_v1_old_dialect():
    hosts = hosts_of(DATA / "nessus_v1.nessus", "nessus")
    found = by_nvt(hosts["198.51.100.5"])
    backdoor = found["nessus:55523", 21, "tcp"]
    assert backdoor.severity == 10.0 and backdoor.cvss_vector == "AV:N/AC:L/Au:N/C:C/I:C/A:C"
    assert backdoor.cves == ("CVE-2011-2523",)
    assert found["nessus:10287", 0, "tcp"].severity == 2.0  # "Security Note" without a score: low
    assert hosts["198.51.100.5"].hostname == "old.example.test"


def test_nessus_compliance_checks_are_findings_of_their_own():
    """An audit's checks all come as items of one plugin (21157) on port 0: each check is its own
    finding, named by the check; its severity (the result) wins over the plugin's risk_factor None."""
    [host] = read_report(DATA / "nessus_compliance.nessus", "nessus")
    checks = {f.name: f for f in host.findings}
    assert len(checks) == 3 and len({f.nvt for f in host.findings}) == 3
    cramfs = checks["1.1.1.1 Ensure mounting of cramfs filesystems is disabled"]
    assert (cramfs.nvt, cramfs.severity) == ("nessus:21157:0d5b1a6e8a1c6e2c2a4bd2b1c7a4f6d1", 7.5)  # FAILED
    tmp = checks["1.1.2 Ensure /tmp is configured"]  # no check id: one made from the name
    assert re.fullmatch(r"nessus:21157:[0-9a-f]{16}", tmp.nvt) and tmp.severity == 2.0  # WARNING, severity 1
    assert checks["1.1.3 Ensure nodev option set on /tmp partition"].severity == 0.0  # PASSED
    assert read_report(DATA / "nessus_compliance.nessus", "nessus")[0].findings == host.findings  # ids are stable


@pytest.mark.parametrize("format_name", ["nmap_xml", "gvm_xml", "nessus"])
def test_a_file_of_another_format_is_refused(format_name):
    other = {"nmap_xml": "nessus_v2.nessus", "gvm_xml": "nmap7.xml", "nessus": "gvm22.xml"}[format_name]
    with pytest.raises(ReportError, match="not a"):
        read_report(DATA / other, format_name)


def test_csv_that_is_not_greenbone_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,value\na,1\n")
    with pytest.raises(ReportError, match="columns"):
        read_report(path, "gvm_csv")
    with pytest.raises(ReportError, match="not a Greenbone CSV"):
        read_report(DATA / "nmap7.xml", "gvm_csv")


@pytest.mark.parametrize("format_name", ["nmap_xml", "gvm_xml", "gvm_csv", "nessus"])
def test_empty_files_are_refused(tmp_path, format_name):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(ReportError, match="empty"):
        read_report(path, format_name)


@pytest.mark.parametrize("name,format_name", [("nmap7.xml", "nmap_xml"), ("gvm22.xml", "gvm_xml"), ("nessus_v2.nessus", "nessus")])
def test_truncated_files_are_refused(tmp_path, name, format_name):
    data = (DATA / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ReportError, match="truncated"):
        read_report(path, format_name)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE nmaprun [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<nmaprun><host><address addr="192.0.2.1" addrtype="ipv4"/><hostnames><hostname name="&lol3;"/></hostnames></host></nmaprun>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE NessusClientData_v2 [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<NessusClientData_v2><Report><ReportHost name="192.0.2.1"><HostProperties><tag name="host-ip">&xxe;</tag></HostProperties></ReportHost></Report></NessusClientData_v2>"""


@pytest.mark.parametrize("body,format_name", [(BILLION_LAUGHS, "nmap_xml"), (EXTERNAL_ENTITY, "nessus")])
def test_entity_declarations_are_refused(tmp_path, body, format_name):
    path = tmp_path / "hostile.xml"
    path.write_text(body)
    with pytest.raises(ReportError, match="entities"):
        read_report(path, format_name)


def test_a_report_without_hosts_is_refused(tmp_path):
    path = tmp_path / "none.xml"
    path.write_text('<?xml version="1.0"?><nmaprun scanner="nmap"><runstats/></nmaprun>')
    with pytest.raises(ReportError, match="no hosts"):
        read_report(path, "nmap_xml")


@pytest.mark.parametrize("name,format_name", [("nmap7.xml", "nmap_xml"), ("gvm22.xml", "gvm_xml"), ("gvm22.csv", "gvm_csv"),
                                              ("nessus_v2.nessus", "nessus"), ("nessus_v1.nessus", "nessus")])
def test_a_child_process_reads_the_same_hosts(name, format_name):
    def read(child):
        hosts = []
        with HostReader(DATA / name, format_name, child=child) as reader:
            for host in reader:
                hosts = [] if host == RESTART else [*hosts, host]
        return hosts

    assert read(True) == read(False) == read_report(DATA / name, format_name)


def test_a_child_process_reports_a_bad_file(tmp_path):
    path = tmp_path / "cut.nessus"
    path.write_bytes((DATA / "nessus_v2.nessus").read_bytes()[:2500])
    with pytest.raises(ReportError, match="truncated"), HostReader(path, "nessus", child=True) as reader:
        list(reader)


def test_hosts_listed_together_come_out_as_the_file_is_read():
    # nessus_v2 lists each host in one ReportHost: no restart, hosts in the file's order.
    assert [h.ip for h in read_hosts(DATA / "nessus_v2.nessus", "nessus")] == ["192.0.2.10", "192.0.2.20", "2001:db8::20"]


def gvm_sorted_by_host(tmp_path):
    """gvm22.xml with its results sorted by host (as Greenbone's "sort=host" filter writes them)."""
    text = (DATA / "gvm22.xml").read_text()
    results = re.findall(r"<result id=.*?</result>\n", text, re.S)
    body = "".join(sorted(results, key=lambda r: re.search(r"<host>\s*([^<\s]+)", r).group(1)))
    path = tmp_path / "by-host.xml"
    path.write_text(text.replace("".join(results), body))
    return path


def test_greenbone_host_details_at_the_end_are_read_first(tmp_path, monkeypatch):
    import tempfile

    path = gvm_sorted_by_host(tmp_path)
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    seen = list(read_hosts(path, "gvm_xml"))
    assert RESTART not in seen and [h.ip for h in seen] == ["192.0.2.10", "2001:db8::10", "192.0.2.12"]
    assert sorted(seen, key=lambda h: h.ip) == sorted(read_report(DATA / "gvm22.xml", "gvm_xml"), key=lambda h: h.ip)
    assert (seen[0].os, seen[0].mac) == ("Debian GNU/Linux 12", "52:54:00:12:34:56")
    assert list(spool_dir.iterdir()) == []  # no spool was needed


def test_greenbone_host_details_that_disagree_with_themselves_restart(tmp_path):
    text = gvm_sorted_by_host(tmp_path).read_text()
    details = text[text.index("<host><ip>192.0.2.10</ip>"):text.index("<host><ip>192.0.2.12</ip>")]
    path = tmp_path / "twice.xml"
    path.write_text(text.replace(details, details.replace("Debian GNU/Linux 12", "Debian GNU/Linux 11") + details))
    seen = list(read_hosts(path, "gvm_xml"))
    assert RESTART in seen
    after = {h.ip: h for h in seen[seen.index(RESTART) + 1:]}
    assert after["192.0.2.10"].os == "Debian GNU/Linux 12"  # the last word, as always
    assert list(after.values()) == sorted(read_report(DATA / "gvm22.xml", "gvm_xml"), key=lambda h: h.ip)


def test_a_host_listed_twice_restarts_from_a_spool_that_is_removed(tmp_path, monkeypatch):
    import tempfile

    text = (DATA / "nessus_v2.nessus").read_text()
    first = text[text.index("<ReportHost"):text.index("</ReportHost>") + len("</ReportHost>")]
    path = tmp_path / "twice.nessus"
    path.write_text(text.replace("</Report>", first + "</Report>"))
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    seen = list(read_hosts(path, "nessus"))
    restart = seen.index(RESTART)
    assert restart > 0 and [h.ip for h in seen[restart + 1:]] == ["192.0.2.10", "192.0.2.20", "2001:db8::20"]
    assert seen[restart + 1:] == read_report(DATA / "nessus_v2.nessus", "nessus")  # the copy merged away
    assert list(spool_dir.iterdir()) == []


def test_a_reader_that_breaks_is_a_report_error(monkeypatch):
    from findings.importers import reader

    def broken(path, progress=None):
        yield from ()
        raise KeyError("pluginID")

    monkeypatch.setitem(reader.FORMATS, "nessus", broken)
    with pytest.raises(ReportError, match="could not be read.*KeyError"), HostReader(DATA / "nessus_v2.nessus", "nessus") as hosts:
        list(hosts)


def test_leaving_a_child_reader_early_stops_it(tmp_path):
    import time

    from findings.importers import pipeline

    item = ('<ReportItem port="{port}" protocol="tcp" severity="2" pluginID="{port}" pluginName="Plugin {port}">'
            f'<plugin_output>{"evidence " * 10}</plugin_output></ReportItem>')
    count = 2 * pipeline.AHEAD * pipeline.SEND_EVERY // 40  # twice the findings the read-ahead holds (~12 MB)
    hosts = (f'<ReportHost name="10.0.{n // 250}.{n % 250 + 1}">{"".join(item.format(port=p) for p in range(1, 41))}</ReportHost>'
             for n in range(count))
    path = tmp_path / "big.nessus"
    path.write_text(f"<NessusClientData_v2><Report>{''.join(hosts)}</Report></NessusClientData_v2>")
    started = time.monotonic()
    with HostReader(path, "nessus", child=True) as reader:
        first = next(iter(reader))
        process = reader.process
        assert process.poll() is None  # it cannot have sent everything: it waits on the pipe (or still reads)
    assert first.findings and process.poll() is not None  # the child is gone, not left blocked on the pipe
    assert not reader.drainer.is_alive() and time.monotonic() - started < 30


def test_a_check_repeated_on_hosts_keeps_each_hosts_own_texts(tmp_path):
    # The readers keep one object per distinct text of a check (records.Shared): a plugin whose
    # description changed between two hosts' scans, and its per-host output, stay each host's.
    def item(output, description):
        return (f'<ReportItem port="443" protocol="tcp" severity="2" pluginID="51192" pluginName="SSL Certificate">'
                f'<description>{description}</description><synopsis>Untrusted.</synopsis>'
                f'<plugin_output>{output}</plugin_output></ReportItem>')

    hosts = "".join(f'<ReportHost name="192.0.2.{n}">{item(f"subject CN=host{n}", text)}</ReportHost>'
                    for n, text in ((1, "Old text."), (2, "New text."), (3, "Old text.")))
    path = tmp_path / "repeated.nessus"
    path.write_text(f"<NessusClientData_v2><Report>{hosts}</Report></NessusClientData_v2>")
    for child in (False, True):
        with HostReader(path, "nessus", child=child) as reader:
            found = {host.ip: host.findings[0] for host in reader}
        assert {ip: (f.detection, f.insight, f.summary) for ip, f in found.items()} == {
            "192.0.2.1": ("subject CN=host1", "Old text.", "Untrusted."),
            "192.0.2.2": ("subject CN=host2", "New text.", "Untrusted."),
            "192.0.2.3": ("subject CN=host3", "Old text.", "Untrusted."),
        }

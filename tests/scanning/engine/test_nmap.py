"""nmap, both ways: with the binary (-sn alive test, -sV refinement with CPEs, XML through
defusedxml) and without it (use_nmap=False, or no binary: the engine alone)."""

import pytest

from scanning.engine import ScanPlan, nmap, run
from scanning.engine.merge import merge
from scanning.engine.types import PortResult

from .conftest import RecordingReporter
from .servers import FTP_BANNER, SSH_BANNER, banner

XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sV" version="7.93" xmloutputversion="1.05">
<host><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="10.0.0.5" addrtype="ipv4"/><address addr="AA:BB:CC:DD:EE:FF" addrtype="mac" vendor="Acme"/>
<ports>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" product="OpenSSH"
 version="8.9p1 Ubuntu 3ubuntu0.1" extrainfo="Ubuntu Linux; protocol 2.0" ostype="Linux" method="probed" conf="10">
<cpe>cpe:/a:openbsd:openssh:8.9p1</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service></port>
<port protocol="tcp" portid="8443"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="nginx"
 version="1.18.0" tunnel="ssl" method="probed" conf="10"><cpe>cpe:/a:igor_sysoev:nginx:1.18.0</cpe></service></port>
<port protocol="tcp" portid="9999"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="abyss" method="table" conf="3"/></port>
</ports></host>
<host><status state="down" reason="no-response" reason_ttl="0"/><address addr="10.0.0.6" addrtype="ipv4"/></host>
</nmaprun>"""


def test_parse_hosts_reads_addresses_ports_services_and_cpes():
    up, down = nmap.parse_hosts(XML)
    assert (up["ip"], up["up"], up["mac"]) == ("10.0.0.5", True, "AA:BB:CC:DD:EE:FF")
    assert (down["ip"], down["up"]) == ("10.0.0.6", False)
    ssh = up["ports"][(22, "tcp")]
    assert ssh["service"]["product"] == "OpenSSH"
    assert ssh["cpe"] == ["cpe:/a:openbsd:openssh:8.9p1", "cpe:/o:linux:linux_kernel"]


def test_merge_fills_blanks_from_probed_answers_only_and_maps_names():
    ports = nmap.parse_hosts(XML)[0]["ports"]
    ssh = PortResult(22, "tcp", service="ssh")
    assert merge(ssh, ports[(22, "tcp")]) == "Linux"
    assert (ssh.product, ssh.version, ssh.cpe) == ("OpenSSH", "8.9p1", "cpe:/a:openbsd:openssh:8.9p1")
    web = PortResult(8443, "tcp")
    merge(web, ports[(8443, "tcp")])
    assert (web.service, web.tls, web.product, web.cpe) == ("https", True, "nginx", "cpe:/a:f5:nginx:1.18.0")
    guessed = PortResult(9999, "tcp")
    merge(guessed, ports[(9999, "tcp")])
    assert (guessed.service, guessed.extra) == ("unknown", {})  # a port-table guess is no evidence


def test_the_xml_parser_refuses_entity_expansion():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><nmaprun>&b;</nmaprun>'
    with pytest.raises(Exception, match="(?i)entit"):
        nmap.parse_hosts(bomb)


@pytest.fixture
def ssh_and_ftp(tcp_service, loopback_ips):
    [ip] = loopback_ips(1)
    return ip, tcp_service(banner(SSH_BANNER), ip), tcp_service(banner(FTP_BANNER), ip)


def spy(monkeypatch, name):
    calls = []
    original = getattr(nmap, name)

    async def wrapper(*args, **kwargs):
        calls.append(args)
        return await original(*args, **kwargs)

    monkeypatch.setattr(nmap, name, wrapper)
    return calls


def test_with_nmap_alive_test_and_a_second_opinion_on_unnamed_ports_only(nmap_required, ssh_and_ftp, tcp_service, monkeypatch):
    ip, ssh, ftp = ssh_and_ftp
    unnamed = tcp_service(banner(b"hello there\r\n"), ip)
    sweeps, version_scans = spy(monkeypatch, "ping_sweep"), spy(monkeypatch, "service_scan")
    plan = ScanPlan(addresses=[ip], tcp_ports=[ssh.port, ftp.port, unnamed.port], alive_test="icmp_ping", use_nmap=True,
                    service_timeout=1, nmap_port_timeout=8)
    [host] = run(plan, RecordingReporter())
    assert len(sweeps) == 1
    assert [call[1] for call in version_scans] == [[unnamed.port]]  # what the probes named is not asked again
    ports = {p.port: p for p in host.ports}
    assert (ports[ssh.port].version, ports[ssh.port].cpe) == ("8.9p1", "cpe:/a:openbsd:openssh:8.9p1")
    assert (ports[ftp.port].service, ports[ftp.port].cpe) == ("ftp", "cpe:/a:beasts:vsftpd:3.0.3")
    assert "nmap" not in ports[ssh.port].extra


def test_without_nmap_when_told_not_to_use_it(ssh_and_ftp, monkeypatch):
    ip, ssh, ftp = ssh_and_ftp
    sweeps, version_scans = spy(monkeypatch, "ping_sweep"), spy(monkeypatch, "service_scan")
    plan = ScanPlan(addresses=[ip], tcp_ports=[ssh.port, ftp.port], alive_test="icmp_ping", use_nmap=False, service_timeout=1)
    [host] = run(plan, RecordingReporter())
    assert sweeps == [] and version_scans == []
    assert host.alive  # ICMP fell back to TCP ping
    assert [(p.service, p.product, p.version, p.cpe) for p in host.ports] == sorted(
        [("ssh", "OpenSSH", "8.9p1", "cpe:/a:openbsd:openssh:8.9p1"), ("ftp", "vsftpd", "3.0.3", "cpe:/a:beasts:vsftpd:3.0.3")],
        key=lambda row: {"ssh": ssh.port, "ftp": ftp.port}[row[0]],
    )
    assert all("nmap" not in p.extra for p in host.ports)


def test_without_the_nmap_binary(ssh_and_ftp, monkeypatch):
    ip, ssh, ftp = ssh_and_ftp
    monkeypatch.setattr(nmap.shutil, "which", lambda name: None)
    plan = ScanPlan(addresses=[ip], tcp_ports=[ssh.port, ftp.port], alive_test="arp_ping", use_nmap=True, service_timeout=1)
    [host] = run(plan, RecordingReporter())
    assert host.alive and {p.service for p in host.ports} == {"ssh", "ftp"}
    assert all("nmap" not in p.extra for p in host.ports)


def test_a_failing_nmap_falls_back_to_the_engine(ssh_and_ftp, monkeypatch):
    ip, ssh, ftp = ssh_and_ftp

    async def broken(*args, **kwargs):
        raise nmap.NmapError("nmap exited 1: boom")

    monkeypatch.setattr(nmap, "run_nmap", broken)
    monkeypatch.setattr(nmap.shutil, "which", lambda name: "/usr/bin/nmap")
    plan = ScanPlan(addresses=[ip], tcp_ports=[ssh.port, ftp.port], alive_test="icmp_ping", use_nmap=True, service_timeout=1)
    [host] = run(plan, RecordingReporter())
    assert host.alive and {p.service for p in host.ports} == {"ssh", "ftp"}

"""Detection and checks agree on service names: the engine's own detection (no nmap) scans the
weak daemons of the family tests, and every service-family check that applies to what it named
finds the planted weakness, and nothing else of these families fires. The hardened daemons,
scanned the same way, give no finding at medium or higher."""

import asyncio

import pytest

from scanning.engine import ScanPlan, run
from scanning.engine.checks import CATALOGUE
from scanning.engine.checks.context import CheckContext
from scanning.engine.guard import Guard
from scanning.engine.types import QuietReporter

from .test_databases import memcached_servers, redis_servers  # noqa: F401 (fixtures)
from .test_dns import dns_servers  # noqa: F401
from .test_ftp import vsftpd  # noqa: F401
from .test_mail import exim  # noqa: F401
from .test_remote import sshd, telnetd  # noqa: F401
from .test_snmp import snmpd  # noqa: F401

FAMILIES = {"remote_access", "ftp", "mail", "databases", "snmp", "dns"}


async def run_checks(host):
    ctx = CheckContext(Guard([]), timeout=3)
    checks = [cls() for cls in CATALOGUE.values() if cls.family in FAMILIES]
    jobs = [(port, check) for port in host.ports for check in checks if check.applies(host, port)]
    results = await asyncio.gather(*(check.run(ctx, host, port) for port, check in jobs))
    found = {}
    for (port, _check), findings in zip(jobs, results, strict=True):
        found.setdefault((port.port, port.protocol), []).extend(findings)
    return found



def detect_and_check(tcp: dict, udp: dict):
    plan = ScanPlan(addresses=["127.0.0.1"], tcp_ports=sorted(tcp.values()), udp_ports=sorted(udp.values()),
                    alive_test="consider_alive", use_nmap=False, service_timeout=3.0)
    [host] = run(plan, QuietReporter())
    return host, asyncio.run(run_checks(host))


@pytest.fixture(scope="module")
def scanned(redis_servers, memcached_servers, vsftpd, exim, sshd, telnetd, snmpd, dns_servers):  # noqa: F811
    tcp = {"redis": redis_servers[0], "memcached": memcached_servers[0], "ftp": vsftpd["open"], "smtp": exim["open"],
           "ssh": sshd["weak"], "telnet": telnetd, "dns": dns_servers["recursive"]}
    udp = {"snmp": snmpd["default"], "dns": dns_servers["recursive"]}
    host, found = detect_and_check(tcp, udp)
    return tcp, udp, host, {key: {f.nvt for f in findings} for key, findings in found.items()}


def test_hardened_daemons_give_nothing_at_medium_or_higher(redis_servers, memcached_servers, vsftpd, exim, sshd,  # noqa: F811
                                                          snmpd, dns_servers):  # noqa: F811
    tcp = {"redis": redis_servers[1], "memcached": memcached_servers[1], "ftp": vsftpd["hardened"],
           "smtp": exim["hardened"], "ssh": sshd["hardened"], "dns": dns_servers["hardened"]}
    udp = {"snmp": snmpd["hardened"], "dns": dns_servers["hardened"]}
    host, found = detect_and_check(tcp, udp)
    findings = [f for port_findings in found.values() for f in port_findings]
    assert {(p.port, p.service) for p in host.ports} >= {(tcp["ssh"], "ssh"), (tcp["ftp"], "ftp"), (tcp["smtp"], "smtp"),
                                                          (tcp["redis"], "redis"), (udp["dns"], "dns")}
    # the version.bind log finding only: on DNS over UDP, and over TCP now that detection names it there too
    assert {f.nvt for f in findings} == {"CG-8002"} and {f.port for f in findings} == {udp["dns"]}
    assert all(f.severity < 4.0 and not f.pci_fail for f in findings)


def test_detection_names_each_service_as_the_checks_expect(scanned):
    tcp, udp, host, _found = scanned
    named = {(p.port, p.protocol): p.service for p in host.ports}
    for service, port in tcp.items():
        assert named[(port, "tcp")] == service
    for service, port in udp.items():
        assert named[(port, "udp")] == service


def test_each_planted_weakness_is_found_on_its_port(scanned):
    tcp, udp, _host, found = scanned
    assert found[(tcp["ssh"], "tcp")] == {"CG-3003", "CG-3004", "CG-3005", "CG-3006"}
    assert found[(tcp["telnet"], "tcp")] == {"CG-3001"}
    assert found[(tcp["ftp"], "tcp")] == {"CG-4001", "CG-4002"}
    assert found[(tcp["smtp"], "tcp")] == {"CG-5001", "CG-5002"}
    assert found[(tcp["redis"], "tcp")] == {"CG-6001"}
    assert found[(tcp["memcached"], "tcp")] == {"CG-6002"}
    assert found[(udp["snmp"], "udp")] == {"CG-7001"}
    assert found[(udp["dns"], "udp")] == {"CG-8001", "CG-8002"}

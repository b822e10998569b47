"""SNMP default community against real net-snmp agents: one with `rocommunity public` and
`rwcommunity private`, one with only `rwcommunity private` (silent to `public`: detection must
ask with `private` too to find it), one with only a random community (it must stay silent to
defaults)."""

import secrets
import shutil
import socket

import pytest

from scanning.engine.checks.snmp import SnmpDefaultCommunity, get_sys_descr
from tests.daemons import Daemon, binary, free_port

from .servicechecks import run_check, shared_dir


def answers(port: int, community: bytes) -> bool:
    payload, check = get_sys_descr(community, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        sock.sendto(payload, ("127.0.0.1", port))
        try:
            return check(sock.recv(65535)) is not None
        except OSError:
            return False


@pytest.fixture(scope="module")
def snmpd():
    executable = binary("snmpd")
    root = shared_dir()
    secret = secrets.token_hex(12).encode()
    configs = {"default": "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n",
               "private_only": "rwcommunity private 127.0.0.1\n",
               "hardened": f"rocommunity {secret.decode()} 127.0.0.1\n"}
    ready = {"default": b"public", "private_only": b"private", "hardened": secret}
    daemons, ports = [], {}
    try:
        for name, body in configs.items():
            ports[name] = free_port(socket.SOCK_DGRAM)
            conf = f"{root}/{name}.conf"
            with open(conf, "w") as file:
                file.write(body + "sysDescr CG lab agent\nsysLocation lab\n")
            ready_community = ready[name]
            argv = [executable, "-f", "-Lo", "-C", "-c", conf, "-p", f"{root}/{name}.pid", f"udp:127.0.0.1:{ports[name]}"]
            daemon = Daemon(argv, ready=lambda p=ports[name], c=ready_community: answers(p, c),
                            env={"SNMP_PERSISTENT_DIR": root, "PATH": "/usr/sbin:/usr/bin:/bin"})
            daemons.append(daemon.__enter__())
        yield ports
    finally:
        for daemon in daemons:
            daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_default_communities_are_reported_with_sys_descr(snmpd):
    [finding] = run_check(SnmpDefaultCommunity, snmpd["default"], "snmp", protocol="udp")
    assert finding.nvt == "CG-7001" and finding.pci_fail and finding.severity == 7.5 and finding.protocol == "udp"
    assert finding.detection == ("community 'public' (v2c) answered sysDescr.0 = 'CG lab agent'; "
                                 "community 'private' (v2c) answered sysDescr.0 = 'CG lab agent'")


def scanned(port: int):
    """The SNMP findings and the port of a whole engine run (UDP detection, then the check)."""
    from scanning.engine import ScanPlan, run
    from scanning.engine.types import QuietReporter

    plan = ScanPlan(addresses=["127.0.0.1"], udp_ports=[port], alive_test="consider_alive", use_nmap=False,
                    families=("snmp",), service_timeout=1.0, check_timeout=1.0)
    [host] = run(plan, QuietReporter())
    return host.findings, host.ports


def test_agent_with_only_private_is_found_and_reported(snmpd):
    findings, [port] = scanned(snmpd["private_only"])
    assert (port.service, port.product) == ("snmp", "net-snmp")
    assert [f.detection for f in findings] == ["community 'private' (v2c) answered sysDescr.0 = 'CG lab agent'"]


def test_engine_reports_nothing_on_an_agent_with_a_random_community(snmpd):
    assert scanned(snmpd["hardened"]) == ([], [])


def test_agent_with_a_random_community_is_not_reported(snmpd):
    assert run_check(SnmpDefaultCommunity, snmpd["hardened"], "snmp", protocol="udp", timeout=0.5) == []


def test_snmp_check_does_not_apply_to_tcp():
    from scanning.engine.types import HostResult, PortResult

    assert not SnmpDefaultCommunity().applies(HostResult("127.0.0.1"), PortResult(161, "tcp", service="snmp"))

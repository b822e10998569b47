"""Memcached over UDP (CG-6007) against real memcached daemons: UDP on (`-U <port>`, weak) and
UDP off (`-U 0`, Debian's default; memcached refuses UDP with ASCII authentication `-Y`).
Through the whole engine: UDP detection must name the port first."""

import re

import pytest

from scanning.engine import ScanPlan, run
from scanning.engine.checks.databases import MemcachedUdpEnabled
from scanning.engine.types import QuietReporter
from tests.daemons import Daemon, binary, free_port

from .servicechecks import run_check


@pytest.fixture(scope="module")
def memcached():
    ports = {name: free_port() for name in ("udp_on", "udp_off")}
    base = [binary("memcached"), "-l", "127.0.0.1", "-u", "nobody"]
    with Daemon([*base, "-p", str(ports["udp_on"]), "-U", str(ports["udp_on"])], ports["udp_on"]), \
            Daemon([*base, "-p", str(ports["udp_off"]), "-U", "0"], ports["udp_off"]):
        yield ports


def scanned(port: int):
    plan = ScanPlan(addresses=["127.0.0.1"], udp_ports=[port], alive_test="consider_alive", use_nmap=False,
                    families=("databases",), service_timeout=1.0, check_timeout=1.0)
    [host] = run(plan, QuietReporter())
    return host.findings, host.ports


def test_udp_memcached_is_found_and_reported(memcached):
    [finding], [port] = scanned(memcached["udp_on"])
    assert (port.service, port.product, port.protocol) == ("memcached", "Memcached", "udp")
    assert finding.nvt == "CG-6007" and finding.protocol == "udp" and finding.severity == 7.5
    assert re.fullmatch(r"UDP request 'version' \(17 bytes\) answered: VERSION 1\.[0-9.]+", finding.detection)


def test_memcached_without_udp_gives_nothing(memcached):
    assert scanned(memcached["udp_off"]) == ([], [])
    assert run_check(MemcachedUdpEnabled, memcached["udp_off"], "memcached", protocol="udp", timeout=0.5) == []

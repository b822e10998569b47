import asyncio

import pytest

from scanning.engine import ScanPlan
from scanning.engine.checks.stage import CheckStage
from scanning.engine.guard import Guard
from scanning.engine.types import HostResult, PortResult

from . import nginx_lab


def run_checks(hosts, families=("ssl_tls", "web_servers"), checks=None, blocked=(), **plan):
    """The checks stage on ready-made hosts (services as detection names them); the hosts as handed over."""
    handed = []

    async def main():
        stage = CheckStage(ScanPlan(addresses=[], families=tuple(families), **plan), Guard(blocked), handed.append, checks)
        for host in hosts:
            stage.submit(host)
        await stage.wait()

    asyncio.run(main())
    return handed


def tls_port(port, service="https"):
    return PortResult(port, "tcp", service=service, tls=True)


def http_port(port):
    return PortResult(port, "tcp", service="http")


def findings_of(host, port=None):
    """{nvt: detection} of a host's findings (on one port)."""
    return {f.nvt: f.detection for f in host.findings if port is None or f.port == port}


def check_host(ports, hostname="localhost", ip="127.0.0.1", **options):
    [host] = run_checks([HostResult(ip, hostname, ports=list(ports))], **options)
    return host


@pytest.fixture(scope="module")
def weak_nginx(tmp_path_factory):
    daemon, lab = nginx_lab.start(tmp_path_factory.mktemp("nginx"), weak=True)
    with daemon:
        yield lab


@pytest.fixture(scope="module")
def hardened_nginx(tmp_path_factory):
    daemon, lab = nginx_lab.start(tmp_path_factory.mktemp("nginx"), weak=False)
    with daemon:
        yield lab


@pytest.fixture
def trust_test_ca(hardened_nginx, monkeypatch):
    """The hardened nginx's CA in the trust store (OpenSSL reads SSL_CERT_FILE), as an operator
    would add their own CA."""
    monkeypatch.setenv("SSL_CERT_FILE", hardened_nginx.ca_file)

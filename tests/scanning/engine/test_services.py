"""Stage 4 through the whole engine: real services on loopback addresses, exact ports, the right
services, products, versions and TLS facts; nmap kept out (test_nmap.py covers it)."""

import datetime

import pytest

from scanning.engine import ScanPlan, run

from .conftest import RecordingReporter, Services, pick_loopback
from .servers import FTP_BANNER, SSH_BANNER, banner, closed_port, http, redis, silent, tls


@pytest.fixture(scope="module")
def reporter():
    return RecordingReporter()


@pytest.fixture(scope="module")
def scanned(reporter, tls_context):
    ips = pick_loopback(2)
    context, cert = tls_context
    tcp_service = Services()
    services = {
        "http": tcp_service(http(), ips[0]),
        "https": tcp_service(tls(http(server=b"Apache/2.4.49 (Unix)"), context), ips[0]),
        "ssh": tcp_service(banner(SSH_BANNER), ips[0]),
        "silent": tcp_service(silent, ips[0]),
        "ftp": tcp_service(banner(FTP_BANNER), ips[1]),
        "redis": tcp_service(redis, ips[1]),
    }
    closed = closed_port(ips[0])
    ports = sorted({s.port for s in services.values()} | {closed})
    plan = ScanPlan(addresses=ips, tcp_ports=ports, use_nmap=False, service_timeout=1.5)
    try:
        hosts = run(plan, reporter)
    finally:
        tcp_service.close()
    by_port = {(h.ip, p.port): p for h in hosts for p in h.ports}
    return {"hosts": hosts, "services": services, "ports": by_port, "cert": cert, "ips": ips, "closed": closed}


def port_of(scanned, name):
    service = scanned["services"][name]
    return scanned["ports"][(service.ip, service.port)]


def test_exactly_the_open_ports_are_reported(scanned):
    expected = {(s.ip, s.port) for s in scanned["services"].values()}
    assert set(scanned["ports"]) == expected
    assert (scanned["ips"][0], scanned["closed"]) not in scanned["ports"]


def test_http_status_server_headers_and_title(scanned):
    port = port_of(scanned, "http")
    assert (port.service, port.product, port.version, port.tls) == ("http", "nginx", "1.18.0", False)
    assert port.cpe == "cpe:/a:f5:nginx:1.18.0"  # NVD names F5 for current nginx versions
    assert port.extra["http"]["status"] == 200
    assert port.extra["http"]["server"] == "nginx/1.18.0 (Ubuntu)"
    assert port.extra["http"]["headers"]["X-Frame-Options"] == "DENY"
    assert port.extra["http"]["title"] == "Welcome to nginx!"


def test_tls_port_is_https_with_the_certificate_facts(scanned):
    port = port_of(scanned, "https")
    assert (port.service, port.tls, port.product, port.version) == ("https", True, "Apache httpd", "2.4.49")
    assert port.cpe == "cpe:/a:apache:http_server:2.4.49"
    facts = port.extra["tls"]
    cert = scanned["cert"]
    assert facts["version"] in ("TLSv1.2", "TLSv1.3")
    assert facts["cipher"]
    assert facts["cert_subject"] == "CN=scan-test.local" == facts["cert_issuer"]
    assert facts["self_signed"] is True
    assert facts["key_bits"] == 2048 and facts["key_type"] == "RSA"
    assert facts["cert_san"] == ["scan-test.local"]
    assert datetime.datetime.fromisoformat(facts["not_after"]) == cert.not_valid_after_utc
    assert datetime.datetime.fromisoformat(facts["not_before"]) == cert.not_valid_before_utc


def test_ssh_banner_gives_product_version_and_os(scanned):
    port = port_of(scanned, "ssh")
    assert (port.service, port.product, port.version) == ("ssh", "OpenSSH", "8.9p1")
    assert port.cpe == "cpe:/a:openbsd:openssh:8.9p1"
    assert port.banner == "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1"
    assert port.extra["ssh"]["protocol"] == "2.0"
    host = next(h for h in scanned["hosts"] if h.ip == scanned["ips"][0])
    assert host.os == "Linux (Ubuntu)"


def test_ftp_banner(scanned):
    port = port_of(scanned, "ftp")
    assert (port.service, port.product, port.version, port.banner) == ("ftp", "vsftpd", "3.0.3", "220 (vsFTPd 3.0.3)")


def test_redis_version_from_info(scanned):
    port = port_of(scanned, "redis")
    assert (port.service, port.version) == ("redis", "7.0.12")
    assert port.extra["redis"]["auth_required"] is False


def test_a_silent_port_is_open_and_unknown(scanned):
    port = port_of(scanned, "silent")
    assert (port.state, port.service, port.product, port.banner, port.tls) == ("open", "unknown", "", "", False)


def test_every_host_stored_once_and_progress_reaches_100(scanned, reporter):
    assert sorted(h.ip for h in reporter.stored) == sorted(scanned["ips"])
    percents = [p for _stage, p in reporter.progress_calls]
    assert percents == sorted(percents) and percents[-1] == 100.0
    stages = [s for s, _p in reporter.progress_calls]
    assert stages[-1] == "services"
    assert [s for i, s in enumerate(stages) if s not in stages[:i]] == [
        s for s in ("expand", "alive", "portscan", "services") if s in stages
    ]

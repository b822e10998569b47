"""The checks stage: bounded concurrency, time-outs on hanging services, failing checks skipped,
a stop within seconds with partial findings, families selected by the profile, blocked
addresses never touched, de-duplication and the same findings on every run."""

import asyncio
import threading
import time
from ipaddress import ip_network

from scanning.engine import ScanPlan, run
from scanning.engine.checks.base import Check
from scanning.engine.types import HostResult, PortResult

from ..conftest import RecordingReporter
from ..servers import silent
from . import legacy_servers
from .conftest import findings_of, http_port, run_checks, tls_port

SSL3, RC4_SHA = 0x0300, 0x0005


class Holding(Check):
    """Connects to the port through the context and holds the connection a while."""

    nvt, name, family, services = "CG-TEST-1", "holds a connection", "web_servers", ("http",)
    running = peak = 0

    async def run(self, ctx, host, port):
        cls = type(self)
        cls.running += 1
        cls.peak = max(cls.peak, cls.running)
        try:
            async with ctx.connect(host.ip, port.port):
                await asyncio.sleep(0.2)
        finally:
            cls.running -= 1
        return [self.finding(port, "held"), self.finding(port, "held twice")]  # one kept per (nvt, port)


class Broken(Check):
    nvt, name, family, services = "CG-TEST-2", "raises", "web_servers", ("http",)

    async def run(self, ctx, host, port):
        raise RuntimeError("a bug in a check")


def held_service_ports(tcp_service, count):
    return [http_port(tcp_service(silent).port) for _ in range(count)]


def test_concurrency_is_bounded_and_findings_deduplicated(tcp_service):
    Holding.running = Holding.peak = 0
    ports = held_service_ports(tcp_service, 8)
    [host] = run_checks([HostResult("127.0.0.1", ports=ports)], checks=[Holding()], check_concurrency=3)
    assert Holding.peak == 3
    assert [(f.nvt, f.port, f.detection) for f in host.findings] == [("CG-TEST-1", p.port, "held") for p in sorted(ports, key=lambda p: p.port)]


def test_a_failing_check_is_skipped_and_the_others_report(tcp_service):
    ports = held_service_ports(tcp_service, 1)
    [host] = run_checks([HostResult("127.0.0.1", ports=ports)], checks=[Broken(), Holding()])
    assert [f.nvt for f in host.findings] == ["CG-TEST-1"]
    assert host.complete


def test_a_hanging_service_costs_one_check_budget_and_gives_nothing(tcp_service):
    hanging = tcp_service(lambda conn, service: service.closed.wait(30))
    started = time.monotonic()
    [host] = run_checks([HostResult("127.0.0.1", "localhost", ports=[tls_port(hanging.port)])], families=["ssl_tls", "web_servers"], check_timeout=0.5)
    assert time.monotonic() - started < 0.5 * 4 + 1.5
    assert host.findings == [] and host.complete


def test_families_select_the_checks(weak_nginx):
    ports = [tls_port(weak_nginx.tls)]
    web_only = run_checks([HostResult("127.0.0.1", "localhost", ports=list(ports))], families=["web_servers"])[0]
    assert {f.family for f in web_only.findings} == {"web_servers"}
    none = run_checks([HostResult("127.0.0.1", "localhost", ports=list(ports))], families=[])[0]
    assert none.findings == []


def test_a_blocked_address_is_never_touched(tcp_service, loopback_ips):
    [ip] = loopback_ips(1)
    service = tcp_service(silent, ip)
    host = HostResult(ip, ports=[http_port(service.port), tls_port(service.port)])
    [handed] = run_checks([host], checks=[Holding()], families=["ssl_tls", "web_servers"], blocked=[ip_network(f"{ip}/32")])
    assert handed.findings == [] and service.accepted == 0


def scan(plan_ports, families=("ssl_tls", "web_servers"), reporter=None, **options):
    plan = ScanPlan(addresses=["127.0.0.1"], hostnames=["localhost"], tcp_ports=plan_ports, families=tuple(families),
                    use_nmap=False, **options)
    reporter = reporter or RecordingReporter()
    hosts = run(plan, reporter)
    return next(h for h in hosts if h.ip == "127.0.0.1"), reporter


def test_a_scan_attaches_findings_before_handing_the_host_over(weak_nginx):
    legacy = legacy_servers.start(legacy_servers.LegacyTls({SSL3}, (RC4_SHA,), _certificate_der()))
    try:
        ports = [weak_nginx.tls, weak_nginx.http, legacy.port]
        host, reporter = scan(ports)
        again, _ = scan(ports)
    finally:
        legacy.close()
    stored = next(h for h in reporter.stored if h.ip == "127.0.0.1")
    assert stored.findings == host.findings and host.complete
    assert {"CG-1003", "CG-1010", "CG-1012", "CG-1014", "CG-1015", "CG-2007"} <= set(findings_of(host, weak_nginx.tls))
    assert {"CG-2008", "CG-2005"} <= set(findings_of(host, weak_nginx.http))
    assert {"CG-1002", "CG-1005"} <= set(findings_of(host, legacy.port))
    assert [(f.nvt, f.port, f.detection) for f in host.findings] == [(f.nvt, f.port, f.detection) for f in again.findings]
    stages = [s for s, _p in reporter.progress_calls]
    assert stages[-1] == "checks" and reporter.progress_calls[-1][1] == 100.0
    percents = [p for _s, p in reporter.progress_calls]
    assert percents == sorted(percents)


def test_no_families_no_checks(weak_nginx):
    host, reporter = scan([weak_nginx.tls], families=())
    assert host.findings == [] and host.ports[0].tls
    assert "checks" not in {s for s, _p in reporter.progress_calls}


def test_a_stop_during_the_checks_ends_within_seconds_and_keeps_what_was_found(tcp_service):
    def slow_trace(conn, service):
        request = conn.recv(4096)
        if request.startswith(b"TRACE "):
            service.closed.wait(30)  # the TRACE check hangs until its socket time-out
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nServer: nginx/1.2.3\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")

    service = tcp_service(slow_trace)
    reporter = RecordingReporter(stop_when=lambda r: r.stage == "checks")
    host, _ = scan([service.port], families=["web_servers"], reporter=reporter, check_timeout=20)
    assert time.monotonic() - reporter.stopped_at < 2.0
    assert not host.complete
    assert findings_of(host) == {"CG-2005": "Server: nginx/1.2.3", "CG-2002": "GET / answered 200 OK without a valid X-Content-Type-Options header"}
    assert [h.ip for h in reporter.stored].count("127.0.0.1") == 1
    assert not any(t.name == "scan-engine" for t in threading.enumerate())


def _certificate_der():
    from .certs import make_cert

    return make_cert().der


def test_hosts_without_open_ports_are_handed_over_too(loopback_ips):
    ips = loopback_ips(2)
    plan = ScanPlan(addresses=ips, tcp_ports=[1], families=("ssl_tls",), use_nmap=False, alive_test="consider_alive")
    reporter = RecordingReporter()
    hosts = run(plan, reporter)
    assert sorted(h.ip for h in reporter.stored) == sorted(ips) == sorted(h.ip for h in hosts)
    assert all(h.findings == [] for h in hosts)


def test_udp_only_hosts_go_through_the_checks():
    host = HostResult("127.0.0.1", ports=[PortResult(53, "udp", service="dns")])
    [handed] = run_checks([host], checks=[Holding()])
    assert handed.findings == []  # Holding is a TCP check: nothing applies, the host still comes back

"""Stages 2-3: alive test and TCP connect scan against real listeners on loopback addresses."""

import asyncio
import socket
import time

from scanning.engine import ScanPlan, connect, run
from scanning.engine.connect import CLOSED, FILTERED, OPEN, ConnectScanner
from scanning.engine.guard import Guard
from scanning.engine.rtt import RoundTrip

from .conftest import kernel_listeners
from .servers import banner, closed_port, silent


def open_ports(host):
    return {p.port for p in host.ports if p.protocol == "tcp"}


def test_finds_exactly_the_open_ports_on_several_hosts(tcp_service, reporter, loopback_ips):
    ips = loopback_ips(3)
    listening = {
        ips[0]: [tcp_service(banner(b"220 hi\r\n"), ips[0]), tcp_service(silent, ips[0])],
        ips[1]: [tcp_service(silent, ips[1])],
        ips[2]: [],
    }
    ports = sorted(
        {s.port for group in listening.values() for s in group} | {closed_port(ips[2])} | set(range(20000, 20400))
    )

    hosts = run(ScanPlan(addresses=ips, tcp_ports=ports, service_detection=False, use_nmap=False), reporter)

    assert [h.ip for h in hosts] == ips
    for host in hosts:
        truth = {s.port for s in listening[host.ip]} | (kernel_listeners(host.ip) & set(ports))
        assert host.alive
        assert open_ports(host) == truth, host.ip
        assert all(p.state == "open" and p.protocol == "tcp" for p in host.ports)


def test_a_thousand_ports_on_sixteen_addresses_take_seconds_not_minutes(reporter, loopback_ips):
    ips = loopback_ips(16)
    started = time.monotonic()
    hosts = run(ScanPlan(addresses=ips, tcp_ports=list(range(21000, 22000)), service_detection=False), reporter)
    assert time.monotonic() - started < 10
    for host in hosts:
        assert open_ports(host) == kernel_listeners(host.ip) & set(range(21000, 22000))


def test_a_host_that_answers_nothing_is_not_alive(reporter):
    # 100::/64 is the IPv6 discard prefix (RFC 6666): probes time out, or fail with no route
    hosts = run(ScanPlan(addresses=["100::1"], tcp_ports=[80], connect_timeout=0.3, use_nmap=False), reporter)
    assert [(h.ip, h.alive, h.ports) for h in hosts] == [("100::1", False, [])]
    assert reporter.stored == hosts


def test_consider_alive_scans_without_an_alive_test(tcp_service, reporter, loopback_ips):
    [ip] = loopback_ips(1)
    service = tcp_service(silent, ip)
    plan = ScanPlan(addresses=[ip], tcp_ports=[service.port], alive_test="consider_alive", service_detection=False)
    [host] = run(plan, reporter)
    assert host.alive and open_ports(host) == {service.port}


def scan(work, **options):
    results = []

    async def go():
        scanner = ConnectScanner(lambda ip, port, state: results.append((ip, port, state)), guard=Guard(), **options)
        await scanner.scan(work)
        return scanner

    return asyncio.run(go()), results


def test_a_port_that_never_answers_is_retried_once_then_filtered_never_open_or_closed():
    # a listener whose accept queue is full drops new SYNs: the connect times out
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    port = sock.getsockname()[1]
    fillers = [socket.socket() for _ in range(3)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
    time.sleep(0.2)
    try:
        started = time.monotonic()
        scanner, results = scan({"127.0.0.1": [port]}, timeout=0.3)
        assert results == [("127.0.0.1", port, FILTERED)]
        assert scanner.retried == 1
        assert 0.5 < time.monotonic() - started < 3
    finally:
        for filler in fillers:
            filler.close()
        sock.close()


def test_connect_scanner_respects_the_per_host_and_global_limits(tcp_service, monkeypatch):
    monkeypatch.setattr(connect, "EAGER_MISSES", 0)  # every connect waits in poll(), as on a real network
    service = tcp_service(silent)
    peak = {"global": 0}

    class Watching(ConnectScanner):
        def _launch(self):
            super()._launch()
            peak["global"] = max(peak["global"], self.inflight)
            assert all(h.inflight <= self.per_host for h in self.hosts.values())

    results = []

    async def go():
        scanner = Watching(lambda *r: results.append(r), guard=Guard(), max_concurrency=20, per_host=8)
        await scanner.scan({"127.0.0.1": [service.port, *range(23000, 23200)], "127.0.0.2": range(23000, 23200)})

    asyncio.run(go())
    assert 0 < peak["global"] <= 20
    assert len(results) == 401
    assert ("127.0.0.1", service.port, OPEN) in results
    assert ("127.0.0.2", 23000, CLOSED) in results or 23000 in kernel_listeners("127.0.0.2")


def test_answers_known_when_connect_returns_give_the_same_verdicts_as_poll(tcp_service, monkeypatch):
    # loopback answers before connect() returns: the scanner settles those ports at once, reusing
    # the refused socket; an open port after a run of closed ones is still open, on both families
    services = [tcp_service(silent), tcp_service(banner(b"220 hi\r\n"))]
    work = {
        "127.0.0.1": [*range(23000, 23100), services[0].port, *range(23100, 23150), services[1].port],
        "::1": range(23000, 23050),
    }
    verdicts = {}
    for misses in (connect.EAGER_MISSES, 0):
        monkeypatch.setattr(connect, "EAGER_MISSES", misses)
        scanner, results = scan(work, report_closed=True)
        verdicts[misses] = sorted(results)
        assert scanner.completed == scanner.total == 202
    assert verdicts[connect.EAGER_MISSES] == verdicts[0]
    opened = {port for ip, port, state in verdicts[0] if state == OPEN and ip == "127.0.0.1"}
    assert opened == set(work["127.0.0.1"]) & kernel_listeners("127.0.0.1")
    assert {services[0].port, services[1].port} <= opened


def test_a_host_that_never_answers_at_once_is_no_longer_asked_twice():
    # a listener whose accept queue is full drops new SYNs: no answer is ever there when connect() returns
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    port = sock.getsockname()[1]
    fillers = [socket.socket() for _ in range(3)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
    time.sleep(0.2)
    try:
        scanner, results = scan({"127.0.0.1": [port] * (connect.EAGER_MISSES + 8)}, timeout=0.2)
        assert {state for _ip, _port, state in results} == {FILTERED}
        assert scanner.hosts["127.0.0.1"].misses == connect.EAGER_MISSES
    finally:
        for filler in fillers:
            filler.close()
        sock.close()


def test_round_trip_time_out_adapts_within_bounds():
    rtt = RoundTrip()
    assert rtt.timeout(1.0) == 1.0  # nothing measured yet: the ceiling
    for _ in range(20):
        rtt.sample(0.0001)
    assert rtt.timeout(1.0) == 0.1  # the floor
    for _ in range(50):
        rtt.sample(0.1)
    assert 0.35 < rtt.timeout(1.0) <= 1.0
    rtt.sample(5.0)
    assert rtt.timeout(1.0) == 1.0  # never above the ceiling

"""The run as the caller sees it: stop within seconds with partial results, hosts stored once in
batches, blocked networks never touched (resolved names included), names kept, errors raised."""

import os
import threading
import time
from ipaddress import ip_network

import pytest

from scanning.engine import ScanPlan, run

from .conftest import RecordingReporter
from .servers import TcpService, banner, silent


def test_stop_during_the_port_scan_returns_partial_results_within_two_seconds(loopback_ips):
    reporter = RecordingReporter(stop_when=lambda r: r.stage == "portscan")
    plan = ScanPlan(addresses=loopback_ips(16), tcp_ports=list(range(1, 65536)), use_nmap=False)
    hosts = run(plan, reporter)
    assert reporter.stopped_at is not None
    assert time.monotonic() - reporter.stopped_at < 2.0
    assert reporter.progress_calls[-1][1] < 70  # the port scan (10-70 %) was cut short
    assert sorted(h.ip for h in hosts) == sorted(h.ip for h in reporter.stored)
    assert all(not host.complete for host in hosts)
    assert not any(t.name == "scan-engine" for t in threading.enumerate())


def test_stop_during_service_detection(tcp_service, loopback_ips):
    [ip] = loopback_ips(1)
    ports = [tcp_service(silent, ip).port for _ in range(4)]
    reporter = RecordingReporter(stop_when=lambda r: r.stage == "services")
    hosts = run(ScanPlan(addresses=[ip], tcp_ports=ports, use_nmap=False, service_timeout=10), reporter)
    assert time.monotonic() - reporter.stopped_at < 2.0
    [host] = hosts
    assert (host.ip, host.complete) == (ip, False)
    assert sorted(p.port for p in host.ports) == sorted(ports)
    assert reporter.stored == hosts


def test_a_run_asked_to_stop_before_it_starts_does_nothing():
    reporter = RecordingReporter(stop_when=lambda r: True)
    assert run(ScanPlan(addresses=["127.0.0.1"], tcp_ports=[1]), reporter) == []
    assert reporter.batches == []


def test_every_host_is_stored_exactly_once_in_batches(loopback_ips, tcp_service):
    ips = loopback_ips(12)
    service = tcp_service(banner(b"SSH-2.0-OpenSSH_9.6\r\n"), ips[0])
    reporter = RecordingReporter()
    hosts = run(ScanPlan(addresses=ips, tcp_ports=[service.port], use_nmap=False, service_timeout=1), reporter)
    stored = reporter.stored
    assert sorted(h.ip for h in stored) == sorted(ips) == sorted(h.ip for h in hosts)
    assert len(reporter.batches) >= 2  # the quiet hosts go before the one with a service finishes
    assert reporter.batches[-1][-1].ip == ips[0] and reporter.batches[-1][-1].ports[0].product == "OpenSSH"


def test_blocked_networks_are_never_touched_even_through_a_hostname(loopback_ips, tcp_service):
    ips = loopback_ips(3)
    listeners = {ip: tcp_service(banner(b"220 hello ftp\r\n"), ip) for ip in ips}
    localhost = tcp_service(banner(b"220 hello ftp\r\n"), "127.0.0.1")
    ports = sorted({s.port for s in listeners.values()} | {localhost.port})
    blocked = [ip_network(f"{ips[1]}/32"), ip_network("127.0.0.1/32"), ip_network("::1/128")]
    plan = ScanPlan(addresses=ips, hostnames=["localhost"], tcp_ports=ports, blocked_networks=blocked, use_nmap=False)
    hosts = run(plan, RecordingReporter())
    assert [h.ip for h in hosts] == [ips[0], ips[2]]
    assert listeners[ips[1]].accepted == 0
    assert localhost.accepted == 0
    assert listeners[ips[0]].accepted > 0


def test_hostnames_are_resolved_kept_and_merged_with_addresses(tcp_service):
    service = tcp_service(banner(b"220 hello ftp\r\n"), "127.0.0.1")
    plan = ScanPlan(addresses=["127.0.0.1"], hostnames=["localhost", "no-such-host.invalid"], tcp_ports=[service.port], use_nmap=False)
    hosts = run(plan, RecordingReporter())
    by_ip = {h.ip: h for h in hosts}
    assert by_ip["127.0.0.1"].hostname == "localhost"
    assert [p.port for p in by_ip["127.0.0.1"].ports] == [service.port]
    assert len([h for h in hosts if h.ip == "127.0.0.1"]) == 1


def test_ipv6_loopback():
    try:
        service = TcpService(banner(b"SSH-2.0-OpenSSH_9.6\r\n"), "::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        [host] = run(ScanPlan(addresses=["::1"], tcp_ports=[service.port], use_nmap=False), RecordingReporter())
        assert (host.ip, [p.service for p in host.ports]) == ("::1", ["ssh"])
    finally:
        service.close()


def test_a_reporter_error_stops_the_engine_and_reaches_the_caller(loopback_ips):
    class Failing(RecordingReporter):
        def store_hosts(self, hosts):
            raise RuntimeError("database is down")

    with pytest.raises(RuntimeError, match="database is down"):
        run(ScanPlan(addresses=loopback_ips(2), tcp_ports=list(range(1, 2000)), use_nmap=False), Failing())
    deadline = time.monotonic() + 3
    while any(t.name == "scan-engine" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "scan-engine" for t in threading.enumerate())


def test_sockets_are_all_closed_after_a_run(loopback_ips):
    before = len(os.listdir("/proc/self/fd"))
    run(ScanPlan(addresses=loopback_ips(4), tcp_ports=list(range(1, 3000)), use_nmap=False), RecordingReporter())
    assert len(os.listdir("/proc/self/fd")) <= before + 2

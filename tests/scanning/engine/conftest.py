import os
import random
import shutil
import socket
import time

import pytest

from .servers import TcpService, UdpService, self_signed_context


class RecordingReporter:
    """The engine's caller, recording what it was told; stop_when(reporter) decides should_stop."""

    def __init__(self, stop_when=None):
        self.stop_when = stop_when
        self.progress_calls: list[tuple[str, float]] = []
        self.batches: list[list] = []
        self.stop_polls = 0
        self.stopped_at = None
        self.started = time.monotonic()

    def progress(self, stage, percent):
        self.progress_calls.append((stage, percent))

    def should_stop(self):
        self.stop_polls += 1
        if self.stopped_at is None and self.stop_when and self.stop_when(self):
            self.stopped_at = time.monotonic()
        return self.stopped_at is not None

    def store_hosts(self, hosts):
        self.batches.append(list(hosts))

    @property
    def stored(self):
        return [host for batch in self.batches for host in batch]

    @property
    def stage(self):
        return self.progress_calls[-1][0] if self.progress_calls else ""


@pytest.fixture
def reporter():
    return RecordingReporter()


class Services:
    """Starts TcpServices and closes them all at the end."""

    def __init__(self):
        self.started = []

    def __call__(self, handler, ip="127.0.0.1"):
        service = TcpService(handler, ip)
        self.started.append(service)
        return service

    def close(self):
        for service in self.started:
            service.close()


@pytest.fixture
def tcp_service():
    services = Services()
    yield services
    services.close()


@pytest.fixture
def udp_service():
    started = []

    def start(answer, ip="127.0.0.1"):
        service = UdpService(answer, ip)
        started.append(service)
        return service

    yield start
    for service in started:
        service.close()


def pick_loopback(n):
    """n fresh 127.x.y.z addresses for one test (xdist workers practically never share them)."""
    base, block = random.randint(1, 250), random.randint(1, 250)
    return [f"127.{base}.{block}.{i}" for i in range(1, n + 1)]


@pytest.fixture
def loopback_ips():
    return pick_loopback


@pytest.fixture(scope="session")
def tls_context():
    return self_signed_context()


@pytest.fixture
def nmap_required():
    """nmap tests: skipped on a machine without nmap, but never in CI (CI installs it)."""
    if shutil.which("nmap") is None:
        if os.environ.get("CI"):
            pytest.fail("nmap is not installed but CI is set: .ci/run must install it")
        pytest.skip("nmap is not installed")


def kernel_listeners(ip: str) -> set[int]:
    """Ports the kernel says are listening on ip (its own sockets and wildcard ones)."""
    wanted = {socket.inet_aton(ip)[::-1].hex().upper(), "0" * 8, "0" * 32}  # dual-stack [::] too
    ports = set()
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(path) as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                address, port = fields[1].split(":")
                if fields[3] == "0A" and address in wanted:
                    ports.add(int(port, 16))
    return ports

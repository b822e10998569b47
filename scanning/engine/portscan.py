"""Stage 3: the TCP connect scan of every alive host (ConnectScanner), then the UDP protocol
probes. Open ports land on the HostResults as they are found; `scanned` names the hosts whose
scan is complete, so a stopped run can tell finished hosts from cut ones."""

import asyncio

from .connect import OPEN, ConnectScanner
from .progress import sample
from .types import PortResult
from .udp import probe_port

UDP_PARALLEL = 64
UDP_PER_HOST = 32


class PortScan:
    def __init__(self, plan, guard, hosts: dict, round_trips):
        self.plan, self.guard, self.hosts = plan, guard, hosts
        self.tcp_ports = sorted({p for p in plan.tcp_ports if 0 < p < 65536})
        self.udp_ports = sorted({p for p in plan.udp_ports if 0 < p < 65536})
        self.tcp_done: set[str] = set()
        self.udp_done_hosts: set[str] = set()
        self.udp_done = 0
        self.scanner = ConnectScanner(
            self.on_tcp,
            guard=guard,
            max_concurrency=plan.max_concurrency,
            per_host=plan.per_host_concurrency,
            timeout=plan.connect_timeout,
            round_trips=round_trips,
            on_host_done=self.tcp_done.add,
            report_closed=False,
        )

    @property
    def scanned(self) -> set[str]:
        """Hosts whose every TCP and UDP port has a verdict."""
        tcp = self.tcp_done if self.tcp_ports else set(self.hosts)
        return tcp & (self.udp_done_hosts if self.udp_ports else set(self.hosts))

    @property
    def total(self) -> int:
        return len(self.hosts) * (len(self.tcp_ports) + len(self.udp_ports))

    def fraction(self) -> float:
        return (self.scanner.completed + self.udp_done) / self.total if self.total else 1.0

    def on_tcp(self, ip, port, state) -> None:
        if state is OPEN:
            self.hosts[ip].ports.append(PortResult(port, "tcp"))

    async def run(self, report) -> None:
        ticker = asyncio.ensure_future(sample(report, self.fraction))
        try:
            if self.tcp_ports:
                await self.scanner.scan({ip: self.tcp_ports for ip in self.hosts})
            if self.udp_ports:
                await self.udp()
        finally:
            ticker.cancel()
        for host in self.hosts.values():
            host.ports.sort(key=lambda p: (p.protocol, p.port))
        report(1.0)

    async def udp(self) -> None:
        overall = asyncio.Semaphore(min(UDP_PARALLEL, self.plan.max_concurrency))
        per_host = {ip: asyncio.Semaphore(min(UDP_PER_HOST, self.plan.per_host_concurrency)) for ip in self.hosts}
        timeout = max(self.plan.connect_timeout, 0.5)

        async def one(ip, port):
            async with overall, per_host[ip]:
                found = await probe_port(ip, port, self.guard, timeout)
            if found is not None:
                self.hosts[ip].ports.append(found)
            self.udp_done += 1

        async def host(ip):
            await asyncio.gather(*(one(ip, port) for port in self.udp_ports))
            self.udp_done_hosts.add(ip)

        await asyncio.gather(*(host(ip) for ip in self.hosts))

"""Stage 2: which hosts answer. TCP ping connects to a few common ports and the plan's first
ports (a refused connection proves the host is up too); ICMP/ARP go through `nmap -sn` when nmap
is installed and allowed, else fall back to TCP ping; consider_alive takes every host."""

import asyncio
import logging

from . import nmap
from .connect import CLOSED, OPEN, ConnectScanner
from .progress import sample

log = logging.getLogger(__name__)

COMMON_PORTS = (80, 443, 22, 3389, 445, 139, 135, 21, 25, 53, 110, 143, 3306, 5432, 8080, 8443)
PLAN_PORTS = 8
NMAP_SECONDS_PER_HOST = 0.5
NMAP_MIN_SECONDS = 60


def ping_ports(tcp_ports) -> list[int]:
    ports = list(COMMON_PORTS)
    for port in list(tcp_ports)[:PLAN_PORTS]:
        if port not in ports:
            ports.append(port)
    return ports


class TcpPing:
    def __init__(self, plan, guard, round_trips):
        self.ports = ping_ports(plan.tcp_ports)
        self.alive: set[str] = set()
        self.scanner = ConnectScanner(
            self.on_result,
            guard=guard,
            max_concurrency=plan.max_concurrency,
            per_host=min(plan.per_host_concurrency, len(self.ports)),
            timeout=plan.connect_timeout,
            round_trips=round_trips,
        )

    def on_result(self, ip, port, state) -> None:
        if state in (OPEN, CLOSED):
            self.alive.add(ip)
            self.scanner.drop_host(ip)

    def fraction(self) -> float:
        return self.scanner.completed / self.scanner.total if self.scanner.total else 1.0

    async def run(self, ips) -> dict[str, dict]:
        await self.scanner.scan({ip: self.ports for ip in ips})
        return {ip: {"up": ip in self.alive, "mac": ""} for ip in ips}


async def nmap_ping(plan, guard, ips) -> dict[str, dict] | None:
    allowed = [ip for ip in ips if guard.allows(ip)]
    budget = max(NMAP_MIN_SECONDS, NMAP_SECONDS_PER_HOST * len(allowed))
    found = {}
    try:
        for family in ([ip for ip in allowed if ":" not in ip], [ip for ip in allowed if ":" in ip]):
            if family:  # nmap takes one address family per run
                found.update(await nmap.ping_sweep(family, plan.alive_test, budget))
    except (nmap.NmapError, TimeoutError, OSError, ValueError, SyntaxError) as exc:
        log.warning("nmap -sn failed (%s); falling back to TCP ping", exc)
        return None
    return {ip: {"up": bool(found.get(ip, {}).get("up")), "mac": found.get(ip, {}).get("mac", "")} for ip in allowed}


async def alive_test(plan, guard, ips, round_trips, report) -> dict[str, dict]:
    """{ip: {"up": bool, "mac": str}}; report(fraction) is called as probes complete."""
    if plan.alive_test == "consider_alive" or not ips:
        return {ip: {"up": True, "mac": ""} for ip in ips}
    if plan.alive_test in ("icmp_ping", "arp_ping") and plan.use_nmap and nmap.nmap_binary():
        found = await nmap_ping(plan, guard, ips)
        if found is not None:
            return found
    ping = TcpPing(plan, guard, round_trips)
    ticker = asyncio.ensure_future(sample(report, ping.fraction))
    try:
        return await ping.run(ips)
    finally:
        ticker.cancel()

"""Stage 4 for whole hosts: detect every open TCP port of every host side by side (sockets bounded
by the dialer), then, when allowed, ask `nmap -sV` for a second opinion on each port the probes
could not name (one bounded nmap per port, so one slow port costs no other port its answer), and
hand each host on as soon as it is finished. A port left unnamed after it turned connections away
(a server at its connection limit, busy.py) is detected again, gently, after a pause."""

import asyncio
import logging
import time

from .. import nmap
from ..busy import RETRY_PAUSES, PortLimits, pause_before_retry
from ..merge import merge, needs_second_opinion
from ..types import PortResult
from .base import Dialer
from .detect import detect_port

log = logging.getLogger(__name__)

NMAP_PARALLEL = 8  # nmap processes at once, over the whole run


class ServiceStage:
    def __init__(self, plan, guard, on_host_done, on_port_done, limits: PortLimits | None = None):
        self.plan = plan
        # a silent port holds its greeting wait, a handshake and up to a dozen asks at once: fewer
        # sockets per host than the plan allows made ports wait seconds for each other's greeting waits
        per_host = max(4, min(plan.per_host_concurrency, 128))
        self.dialer = Dialer(guard, plan.service_timeout, max_sockets=min(plan.max_concurrency, 256), per_host=per_host,
                             limits=limits)
        self.on_host_done, self.on_port_done = on_host_done, on_port_done
        self.use_nmap = plan.use_nmap and nmap.nmap_binary() is not None
        self.nmap_slots = asyncio.Semaphore(NMAP_PARALLEL)
        self.nmap_budget = plan.nmap_port_timeout
        self.nmap_total = 0  # ports handed to nmap so far
        self.nmap_done = 0
        self.nmap_started: dict = {}  # (ip, port, protocol) -> monotonic start

    def nmap_fraction(self) -> float | None:
        """How far the nmap pass is (running processes counted by their share of the time-out),
        None while no port went to nmap."""
        if not self.nmap_total:
            return None
        now = time.monotonic()
        expected = self.nmap_budget + 3  # its --host-timeout plus start-up and the report
        running = sum(min(1.0, (now - started) / expected) for started in self.nmap_started.values())
        return min(1.0, (self.nmap_done + 0.95 * running) / self.nmap_total)

    async def run(self, hosts) -> None:
        await asyncio.gather(*(self.host(host) for host in hosts))

    async def host(self, host) -> None:
        tcp = [p for p in host.ports if p.protocol == "tcp"]
        detected = await asyncio.gather(*(self.port(host, p.port) for p in tcp))
        by_port = {(r.port, r.protocol): r for r, _os in detected}
        host.ports = sorted((by_port.get((p.port, p.protocol), p) for p in host.ports), key=lambda p: (p.protocol, p.port))
        host.os = host.os or next((os_hint for _r, os_hint in detected if os_hint), "")
        if self.use_nmap:
            await self.second_opinion(host)
        self.on_host_done(host)

    async def port(self, host, port: int):
        try:
            return await self.detect(host, port)
        except Exception:  # a probe's bug must not cost the run: the port stays open, unknown
            log.exception("service detection failed on %s:%s", host.ip, port)
            return PortResult(port, "tcp"), ""
        finally:
            self.on_port_done()

    async def detect(self, host, port: int):
        limits = self.dialer.limits
        for pause in (0.0, *RETRY_PAUSES):
            if pause:
                log.info("%s:%s turned connections away: detecting it again in %s s", host.ip, port, pause)
                await pause_before_retry(pause)
            before = limits.count(host.ip, port)
            result, os_hint = await detect_port(self.dialer, host.ip, port, host.hostname)
            if result.service != "unknown" or limits.count(host.ip, port) == before:
                break
        return result, os_hint

    async def second_opinion(self, host) -> None:
        """nmap -sV on every open port (TCP or UDP) the probes left unnamed or without a product."""
        doubtful = [p for p in host.ports if needs_second_opinion(p) and (p.protocol == "tcp" or nmap.is_root())]
        self.nmap_total += len(doubtful)
        os_types = await asyncio.gather(*(self.ask_nmap(host.ip, port) for port in doubtful))
        host.os = host.os or next((os_type for os_type in os_types if os_type), "")

    async def ask_nmap(self, ip: str, port) -> str:
        key = (ip, port.port, port.protocol)
        try:
            async with self.nmap_slots:
                self.nmap_started[key] = time.monotonic()
                tcp, udp = ([port.port], []) if port.protocol == "tcp" else ([], [port.port])
                found = await nmap.service_scan(ip, tcp, udp, self.nmap_budget)
        except (nmap.NmapError, TimeoutError, OSError, ValueError, SyntaxError) as exc:
            log.info("nmap -sV on %s:%s gave nothing: %s", ip, port.port, exc)
            return ""
        finally:
            self.nmap_started.pop(key, None)
            self.nmap_done += 1
        answer = found.get((port.port, port.protocol))
        return merge(port, answer) if answer else ""

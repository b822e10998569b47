"""Stage 4 for whole hosts: detect every open TCP port of every host side by side (sockets bounded
by the dialer), let `nmap -sV` refine product, version and CPE when allowed, and hand each host on
as soon as it is finished."""

import asyncio
import logging

from .. import nmap
from ..types import PortResult
from .base import Dialer
from .detect import detect_port

log = logging.getLogger(__name__)

NMAP_PARALLEL = 4
NMAP_SECONDS_PER_PORT = 20
NMAP_MIN_SECONDS = 60


def nmap_budget(ports: int) -> float:
    return max(NMAP_MIN_SECONDS, NMAP_SECONDS_PER_PORT * ports)


class ServiceStage:
    def __init__(self, plan, guard, on_host_done, on_port_done):
        self.plan = plan
        per_host = max(4, min(plan.per_host_concurrency, 32))
        self.dialer = Dialer(guard, plan.service_timeout, max_sockets=min(plan.max_concurrency, 256), per_host=per_host)
        self.on_host_done, self.on_port_done = on_host_done, on_port_done
        self.use_nmap = plan.use_nmap and nmap.nmap_binary() is not None
        self.nmap_slots = asyncio.Semaphore(NMAP_PARALLEL)

    async def run(self, hosts) -> None:
        await asyncio.gather(*(self.host(host) for host in hosts))

    async def host(self, host) -> None:
        tcp = [p for p in host.ports if p.protocol == "tcp"]
        detected = await asyncio.gather(*(self.port(host, p.port) for p in tcp))
        by_port = {(r.port, r.protocol): r for r, _os in detected}
        host.ports = sorted((by_port.get((p.port, p.protocol), p) for p in host.ports), key=lambda p: (p.protocol, p.port))
        host.os = host.os or next((os_hint for _r, os_hint in detected if os_hint), "")
        if self.use_nmap:
            await self.refine(host)
        self.on_host_done(host)

    async def port(self, host, port: int):
        try:
            return await detect_port(self.dialer, host.ip, port, host.hostname)
        except Exception:  # a probe's bug must not cost the run: the port stays open, unknown
            log.exception("service detection failed on %s:%s", host.ip, port)
            return PortResult(port, "tcp"), ""
        finally:
            self.on_port_done()

    async def refine(self, host) -> None:
        """nmap -sV on the ports that said anything: on a port that never speaks nmap's probe list
        can spend minutes and learns nothing our probes did not."""
        ports = [p for p in host.ports if not _silent(p)]
        if not ports:
            return
        tcp = [p.port for p in ports if p.protocol == "tcp"]
        udp = [p.port for p in ports if p.protocol == "udp"]
        async with self.nmap_slots:
            try:
                found = await nmap.service_scan(host.ip, tcp, udp, nmap_budget(len(ports)))
            except (nmap.NmapError, TimeoutError, OSError, ValueError, SyntaxError) as exc:
                log.info("nmap -sV on %s gave nothing: %s", host.ip, exc)
                return
        for port in host.ports:
            if (port.port, port.protocol) in found:
                os_type = nmap.refine(port, found[(port.port, port.protocol)])
                host.os = host.os or os_type


def _silent(port) -> bool:
    return port.service == "unknown" and not port.banner and not port.tls

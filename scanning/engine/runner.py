"""The run itself, on the engine's event loop: expand, alive test, port scan, service detection,
checks. Finished hosts go out through `store` as they finish; a cancellation (the stop) ends the run
where it is and sends what was scanned so far, marked incomplete."""

import asyncio
import logging

from .alive import alive_test
from .busy import PortLimits
from .checks.stage import CheckStage
from .expand import expand
from .guard import Guard
from .portscan import PortScan
from .progress import PROBE_SHARE_WITH_NMAP, Progress, sample
from .services import ServiceStage
from .types import HostResult

log = logging.getLogger(__name__)


class Run:
    def __init__(self, plan, store, emit_progress):
        self.plan = plan
        self.guard = Guard(plan.blocked_networks)
        self.store = store
        self.checks_on = plan.service_detection and bool(plan.families)
        self.progress = Progress(emit_progress, plan)  # weighted over the stages this plan goes through
        self.hosts: dict[str, HostResult] = {}
        self.stored: list[HostResult] = []
        self.stored_ips: set[str] = set()
        self.round_trips: dict = {}
        self.limits = PortLimits()  # ports that turned connections away: detection and checks go gently there
        self.portscan: PortScan | None = None
        self.ports_done = 0
        self.check_stage: CheckStage | None = None

    def hand_over(self, hosts) -> None:
        fresh = [h for h in hosts if h.ip not in self.stored_ips]
        if fresh:
            self.stored_ips.update(h.ip for h in fresh)
            self.stored.extend(fresh)
            self.store(fresh)

    async def execute(self) -> list[HostResult]:
        try:
            await self.stages()
        except asyncio.CancelledError:
            log.info("scan stopped: handing over partial results")
            if self.check_stage is not None:
                await self.check_stage.cancel()  # their hosts keep what was found, marked incomplete
            self.hand_over_partial()
        order = {ip: index for index, ip in enumerate(self.hosts)}
        return sorted(self.stored, key=lambda host: order.get(host.ip, 0))

    async def stages(self) -> None:
        plan = self.plan
        self.progress("expand", 0.0)
        targets = await expand(plan.addresses, plan.hostnames, self.guard)
        self.hosts = {ip: HostResult(ip, hostname) for ip, hostname in targets}
        self.progress("expand", 1.0)

        verdicts = await alive_test(plan, self.guard, list(self.hosts), self.round_trips, self.progress.of("alive"))
        for ip, host in self.hosts.items():
            host.alive = verdicts.get(ip, {}).get("up", False)
            host.mac = verdicts.get(ip, {}).get("mac", "")
        self.hand_over([h for h in self.hosts.values() if not h.alive])
        alive = {ip: h for ip, h in self.hosts.items() if h.alive}
        self.progress("alive", 1.0)

        self.portscan = PortScan(plan, self.guard, alive, self.round_trips)
        await self.portscan.run(self.progress.of("portscan"))

        if plan.service_detection:
            await self.services(alive)
        if self.checks_on:
            await self.checks()
        self.hand_over(list(alive.values()))
        self.progress("checks" if self.checks_on else "services" if plan.service_detection else "portscan", 1.0)

    async def services(self, alive: dict) -> None:
        busy = [h for h in alive.values() if h.ports]  # UDP-only hosts too: nmap may name their services
        detected = self.host_detected
        for host in alive.values():
            if not host.ports:
                detected(host)
        total = sum(1 for h in busy for p in h.ports if p.protocol == "tcp")

        def port_done():
            self.ports_done += 1

        stage = ServiceStage(self.plan, self.guard, detected, port_done, self.limits)
        report = self.progress.of("services")
        ticker = asyncio.ensure_future(sample(report, lambda: services_fraction(stage, self.ports_done, total)))
        try:
            await stage.run(busy)
        finally:
            ticker.cancel()

    def host_detected(self, host) -> None:
        """A host whose services are known: on to the checks (they hand it over), or handed over."""
        if not self.checks_on:
            self.hand_over([host])
            return
        if self.check_stage is None:
            self.check_stage = CheckStage(self.plan, self.guard, lambda checked: self.hand_over([checked]), limits=self.limits)
        self.check_stage.submit(host)

    async def checks(self) -> None:
        """The checks run while detection goes on; here the stage's own share of progress."""
        stage = self.check_stage
        if stage is None:
            return
        ticker = asyncio.ensure_future(sample(self.progress.of("checks"), stage.fraction))
        try:
            await stage.wait()
        finally:
            ticker.cancel()

    def hand_over_partial(self) -> None:
        """Hosts the stop caught mid-way: sent once, marked incomplete, when anything was found
        or their port scan had finished (a host never port-scanned is left out)."""
        scanned = self.portscan.scanned if self.portscan else set()
        partial = []
        for ip, host in self.hosts.items():
            if ip in self.stored_ips or not host.alive or (ip not in scanned and not host.ports):
                continue
            nothing_to_detect = not self.plan.service_detection or not any(p.protocol == "tcp" for p in host.ports)
            nothing_to_check = not self.checks_on or not host.ports
            host.complete = host.complete and ip in scanned and nothing_to_detect and nothing_to_check
            host.ports.sort(key=lambda p: (p.protocol, p.port))
            partial.append(host)
        self.hand_over(partial)


def services_fraction(stage, ports_done: int, total: int) -> float:
    """The probes, then (when nmap is used) its second opinion on what they could not name."""
    probes = ports_done / total if total else 1.0
    if not stage.use_nmap:
        return probes
    nmap_part = stage.nmap_fraction()
    return PROBE_SHARE_WITH_NMAP * probes + (1 - PROBE_SHARE_WITH_NMAP) * (nmap_part or 0.0)

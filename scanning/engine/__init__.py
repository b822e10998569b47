"""The built-in scan engine: expand, alive test, port scan, service detection (spec: scanning.md).

    hosts = run(ScanPlan(addresses=["192.0.2.10"], tcp_ports=[22, 80, 443]), reporter)

run() is synchronous: the engine works on its own event loop in a helper thread, while the
calling thread talks to the Reporter (progress, should_stop, store_hosts), so a Django worker
can write to its database from the reporter directly."""

import asyncio
import logging
import threading

from .bridge import Bridge
from .limits import raise_open_file_limit
from .types import HostResult, PortResult, Reporter, ScanPlan

__all__ = ["HostResult", "PortResult", "Reporter", "ScanPlan", "run"]

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 10


def run(plan: ScanPlan, reporter: Reporter) -> list[HostResult]:
    """Scan per the plan; every host found also goes to reporter.store_hosts, in batches. When
    reporter.should_stop() turns true the run stops within a second or two and returns (and
    stores) its partial results."""
    if reporter.should_stop():
        return []
    plan = raise_open_file_limit(plan)
    bridge = Bridge(reporter)
    engine = _EngineThread(plan, bridge)
    engine.start()
    stopping = False
    try:
        while engine.is_alive():
            bridge.wait()
            bridge.deliver()
            if not stopping and bridge.stop_requested():
                stopping = True
                engine.stop()
    except BaseException:
        engine.stop()
        engine.join(STOP_GRACE_SECONDS)
        raise
    engine.join()
    bridge.deliver(final=True)
    if engine.error is not None:
        raise engine.error
    return engine.result


class _EngineThread(threading.Thread):
    def __init__(self, plan, bridge):
        super().__init__(name="scan-engine", daemon=True)
        self.plan, self.bridge = plan, bridge
        self.loop = asyncio.new_event_loop()
        self.task = None
        self.result: list[HostResult] = []
        self.error: BaseException | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.result = self.loop.run_until_complete(self.main())
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc
        finally:
            try:
                leftovers = asyncio.all_tasks(self.loop)  # cancelled helpers still unwinding
                for task in leftovers:
                    task.cancel()
                self.loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
                self.loop.run_until_complete(self.loop.shutdown_default_executor())
            finally:
                self.loop.close()
                self.bridge.wake.set()

    async def main(self) -> list[HostResult]:
        self.task = asyncio.current_task()
        if self.stopped.is_set():
            return []
        from .runner import Run  # here, not at the top: the report importers' reader child and an import's
        # command need only .types, and the runner brings in every check and the version parsers (~0.35 s)

        return await Run(self.plan, self.bridge.store, self.bridge.progress).execute()

    def stop(self) -> None:
        self.stopped.set()
        if self.loop.is_closed():
            return
        try:
            self.loop.call_soon_threadsafe(self._cancel)
        except RuntimeError:  # the loop closed in between
            pass

    def _cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

"""Stage 5: the checks. Each host goes through as soon as its services are known: every selected
check that applies to one of its open ports runs (bounded over the whole run), its findings are
de-duplicated and sorted, and the host is handed over. A check that fails or overruns its budget
is logged and skipped; a stop cancels what runs, keeps what was found and marks the host
incomplete. A check during which its port turned a connection away (a server at its connection
limit, busy.py) runs again after a pause, gently, and its last run counts."""

import asyncio
import logging
import ssl
import struct

from ..busy import RETRY_PAUSES, TURNED_AWAY_ERRORS, counting, pause_before_retry
from .base import CATALOGUE, Check
from .context import CheckContext

log = logging.getLogger(__name__)

# A check may open a few sockets one after another (a TLS check: a handshake, then ClientHellos):
# its whole run gets this many socket time-outs before it is abandoned.
SOCKETS_PER_CHECK = 4
TURNED_AWAY = object()  # an attempt spoilt by a turn-away (busy.py): run the check again
CHECK_ERRORS = (OSError, TimeoutError, EOFError, ValueError, IndexError, KeyError, struct.error, ssl.SSLError, UnicodeError)


def selected_checks(families) -> list[Check]:
    """One instance of every catalogued check of the given families, in id order."""
    wanted = set(families or ())
    return [CATALOGUE[nvt]() for nvt in sorted(CATALOGUE) if CATALOGUE[nvt].family in wanted]


def unique_findings(findings) -> list:
    """One finding per (nvt, port, protocol), the first seen kept, in a stable order."""
    kept = {}
    for finding in findings:
        kept.setdefault((finding.nvt, finding.port, finding.protocol), finding)
    return [kept[key] for key in sorted(kept, key=lambda k: (k[2], k[1], k[0]))]


class CheckStage:
    """`submit(host)` when a host's services are known; `wait()` until every submitted host is
    handed over (through `on_host_done`)."""

    def __init__(self, plan, guard, on_host_done, checks: list[Check] | None = None, limits=None):
        self.guard = guard
        self.checks = selected_checks(plan.families) if checks is None else checks
        self.ctx = CheckContext(guard, plan.check_timeout, max_sockets=plan.check_concurrency, feed_path=plan.feed_path,
                                limits=limits)
        self.slots = asyncio.Semaphore(max(1, plan.check_concurrency))
        self.budget = plan.check_timeout * SOCKETS_PER_CHECK + 1.0
        self.on_host_done = on_host_done
        self.tasks: set[asyncio.Task] = set()
        self.scheduled = self.finished = 0

    def fraction(self) -> float:
        return self.finished / self.scheduled if self.scheduled else 1.0

    def submit(self, host) -> None:
        jobs = self.jobs(host)
        self.scheduled += len(jobs)  # counted now, so the fraction never runs ahead of waiting hosts
        task = asyncio.ensure_future(self.host(host, jobs))
        self.tasks.add(task)

    async def wait(self) -> None:
        try:
            while pending := [t for t in self.tasks if not t.done()]:
                await asyncio.gather(*pending)
        except asyncio.CancelledError:
            await self.cancel()
            raise

    async def cancel(self) -> None:
        """Stop every running check (the stop): each host keeps its findings, marked incomplete."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def jobs(self, host) -> list[tuple[Check, object]]:
        if not self.guard.allows(host.ip):  # never reached: expand drops blocked addresses
            return []
        open_ports = [p for p in host.ports if p.state == "open"]
        return [(check, port) for port in open_ports for check in self.checks if _applies(check, host, port)]

    async def host(self, host, jobs) -> None:
        found: list = []
        try:
            await asyncio.gather(*(self.one(check, host, port, found) for check, port in jobs))
        except asyncio.CancelledError:
            host.complete = False
            raise
        finally:
            host.findings = unique_findings([*host.findings, *found])
        self.on_host_done(host)

    async def one(self, check: Check, host, port, found: list) -> None:
        try:
            async with self.slots:
                results = await self.run_check(check, host, port)
            found.extend(results or ())
        except TimeoutError:
            log.info("check %s on %s:%s/%s timed out", check.nvt, host.ip, port.port, port.protocol)
        except CHECK_ERRORS as exc:
            log.info("check %s on %s:%s/%s gave up: %s", check.nvt, host.ip, port.port, port.protocol, exc)
        except Exception:  # a check's bug must not cost the run
            log.exception("check %s failed on %s:%s/%s", check.nvt, host.ip, port.port, port.protocol)
        finally:
            self.finished += 1

    async def run_check(self, check: Check, host, port):
        """The check's findings; run again while its port turns connections away meanwhile, each
        new run after a pause and one at a time per port (two reruns that start together would
        meet the same limit again)."""
        results = await self.attempt(check, host, port, last=False)
        for pause in RETRY_PAUSES:
            if results is not TURNED_AWAY:
                break
            async with self.ctx.limits.one_rerun_at_a_time(host.ip, port.port):
                log.info("%s:%s turned a connection away during %s: running it again in %s s", host.ip, port.port, check.nvt, pause)
                self.ctx.forget(host.ip, port.port)
                await pause_before_retry(pause)
                results = await self.attempt(check, host, port, last=pause == RETRY_PAUSES[-1])
        return results

    async def attempt(self, check: Check, host, port, last: bool):
        """The check's findings, or TURNED_AWAY when a connection of its own (or of an exchange it
        shares) was turned away meanwhile and this is not the `last` attempt."""
        results, met, error = await asyncio.wait_for(counting(check.run(self.ctx, host, port), CHECK_ERRORS), self.budget)
        if isinstance(error, TURNED_AWAY_ERRORS):
            self.ctx.limits.note(host.ip, port.port)
        if met and not last:
            return TURNED_AWAY
        if error is not None:
            raise error
        return results



def _applies(check: Check, host, port) -> bool:
    try:
        return bool(check.applies(host, port))
    except Exception:
        log.exception("check %s: applies() failed", check.nvt)
        return False

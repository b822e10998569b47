"""Servers that limit connections per client (OpenSSH MaxStartups, vsftpd max_per_ip, Exim
smtp_accept_max_per_host, Redis maxclients, nginx out of worker_connections ...) turn a connection
away instead of serving it: refused or reset at once, closed before saying anything, or told "too
many connections". Such a turn-away says nothing about the service, so the run remembers it per
port: from then on that port gets at most GENTLE_SOCKETS connections at once, and the detection
or check that met it is tried again after a pause (see services/hosts.py and checks/stage.py)."""

import asyncio
import contextlib
import re
import ssl
from collections import Counter, defaultdict
from contextvars import ContextVar

GENTLE_SOCKETS = 2  # connections at once to a port that turned one away
GENTLE_HOST_SOCKETS = 8  # connections at once to a host where TOUCHY_PORTS_PER_HOST ports did
TOUCHY_PORTS_PER_HOST = 2
RETRY_PAUSES = (0.5, 1.5)  # seconds before each new try of what a turn-away spoilt
BUSY_REPLY = re.compile(
    rb"too many (?:open )?(?:connections|clients|users|sessions)|max(?:imum)? number of (?:clients|connections)"
    rb"|connection limit|try again later|exceeded maxstartups", re.IGNORECASE,
)
TURNED_AWAY_ERRORS = (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError, BrokenPipeError,
                      asyncio.IncompleteReadError, ssl.SSLEOFError)


# turn-aways met by the current task (each task has its own copy): one probe's own, not its neighbours'
_MET_HERE: ContextVar[int] = ContextVar("turn_aways_met_here", default=0)


def met_here() -> int:
    """Turn-aways the current task met so far."""
    return _MET_HERE.get()


def count_met(turn_aways: int) -> None:
    """Count turn-aways another task met on the current task's behalf (a shared exchange)."""
    if turn_aways:
        _MET_HERE.set(_MET_HERE.get() + turn_aways)


async def counting(coroutine, errors=()):
    """(result, turn-aways met, one of `errors` raised or None) of a coroutine that may run in a
    task of its own (memo, wait_for): its context, and so its count, does not come back by itself."""
    start = met_here()
    try:
        return await coroutine, met_here() - start, None
    except errors as exc:
        return None, met_here() - start + isinstance(exc, TURNED_AWAY_ERRORS), exc


async def pause_before_retry(seconds: float) -> None:
    """Sleep before another try; raise CancelledError instead when the task was asked to stop
    (Python 3.11's wait_for can swallow a cancellation that met a finished read)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
    await asyncio.sleep(seconds)


def busy_reply(data: bytes) -> bool:
    """A server's own words for "not now": "421 Too many connections", "-ERR max number of clients
    reached", PostgreSQL's "sorry, too many clients already", MySQL's 1040 "Too many connections",
    OpenSSH's "Exceeded MaxStartups"."""
    return bool(BUSY_REPLY.search(data[:512]))


class PortLimits:
    """Per run: how many connections each (ip, port) turned away, and the gentle bounds: at most
    GENTLE_SOCKETS at once to such a port, and GENTLE_HOST_SOCKETS at once to a host where several
    ports did (a limit of the whole server: nginx's worker_connections, a fail2ban-like filter)."""

    def __init__(self, gentle: int = GENTLE_SOCKETS, gentle_host: int = GENTLE_HOST_SOCKETS):
        self.turned_away: Counter = Counter()
        self.touchy_ports: defaultdict = defaultdict(set)  # ip -> its ports that turned one away
        self.gentle = defaultdict(lambda: asyncio.Semaphore(max(1, gentle)))
        self.gentle_host = defaultdict(lambda: asyncio.Semaphore(max(1, gentle_host)))
        self.reruns = defaultdict(asyncio.Lock)  # (ip, port) -> held by the check running again there

    def note(self, ip: str, port: int) -> None:
        _MET_HERE.set(_MET_HERE.get() + 1)
        self.turned_away[(ip, port)] += 1
        self.touchy_ports[ip].add(port)

    def count(self, ip: str, port: int) -> int:
        return self.turned_away[(ip, port)]

    def bounds(self, ip: str, port: int) -> list:
        """The semaphores a new connection to ip:port must hold (none on a port that never turned
        one away, on a host with no more than one such port); always taken port first."""
        held = [self.gentle[(ip, port)]] if self.turned_away[(ip, port)] else []
        if len(self.touchy_ports.get(ip, ())) >= TOUCHY_PORTS_PER_HOST:
            held.append(self.gentle_host[ip])
        return held

    def one_rerun_at_a_time(self, ip: str, port: int) -> asyncio.Lock:
        return self.reruns[(ip, port)]

    @contextlib.asynccontextmanager
    async def gently(self, ip: str, port: int):
        async with contextlib.AsyncExitStack() as stack:
            for semaphore in self.bounds(ip, port):
                await stack.enter_async_context(semaphore)
            yield

"""What a check gets to talk to the network: connections that obey the run's guard (blocked
addresses refused), a time-out on every socket, a bound on concurrent sockets, and a per-run memo
so that checks of one port share one expensive exchange (one HTTP GET, one TLS handshake)."""

import asyncio

from ..services.base import Dialer
from ..udp import exchange


class CheckContext:
    def __init__(self, guard, timeout: float = 5.0, max_sockets: int = 64, per_host: int = 8, feed_path: str = ""):
        self.guard = guard
        self.feed_path = feed_path  # the imported vulnerability feed (known_vulnerable_versions)
        self.timeout = timeout
        self.dialer = Dialer(guard, timeout, max_sockets=max_sockets, per_host=per_host)
        self._memo: dict = {}

    def connect(self, ip: str, port: int, tls: bool = False, hostname: str = ""):
        """`async with ctx.connect(ip, port) as conn:` a Conn (send/read/ask with time-outs)."""
        return self.dialer.connect(ip, port, tls, hostname)

    async def open_raw(self, ip: str, port: int):
        """A plain (reader, writer) pair for checks that speak a protocol byte by byte (raw
        ClientHello). The caller closes the writer."""
        self.guard.check(ip)
        return await asyncio.wait_for(asyncio.open_connection(ip, port), self.timeout)

    async def udp(self, ip: str, port: int, probes, attempts: int = 2):
        """One UDP request/answer exchange (see engine/udp.py `exchange`)."""
        self.guard.check(ip)
        return await exchange(ip, port, probes, self.timeout, attempts)

    async def memo(self, key, factory):
        """The result of `await factory()`, computed once per key per run (concurrent callers
        wait for the same computation)."""
        task = self._memo.get(key)
        if task is None:
            task = self._memo[key] = asyncio.ensure_future(factory())
        return await asyncio.shield(task)

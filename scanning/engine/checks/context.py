"""What a check gets to talk to the network: connections that obey the run's guard (blocked
addresses refused), a time-out on every socket, a bound on concurrent sockets, and a per-run memo
so that checks of one port share one expensive exchange (one HTTP GET, one TLS handshake)."""

import asyncio

from ..busy import count_met, counting
from ..services.base import Dialer
from ..udp import exchange


class CheckContext:
    def __init__(self, guard, timeout: float = 5.0, max_sockets: int = 64, per_host: int = 8, feed_path: str = "", limits=None):
        self.guard = guard
        self.feed_path = feed_path  # the imported vulnerability feed (known_vulnerable_versions)
        self.timeout = timeout
        self.dialer = Dialer(guard, timeout, max_sockets=max_sockets, per_host=per_host, limits=limits)
        self.limits = self.dialer.limits
        self._memo: dict = {}

    def connect(self, ip: str, port: int, tls: bool = False, hostname: str = "", source: str = ""):
        """`async with ctx.connect(ip, port) as conn:` a Conn (send/read/ask with time-outs);
        `source`, a local address to connect from."""
        return self.dialer.connect(ip, port, tls, hostname, source)

    async def open_raw(self, ip: str, port: int):
        """A plain (reader, writer) pair for checks that speak a protocol byte by byte (raw
        ClientHello). The caller closes the writer (a port that turned connections away gets
        only its gentle share of them at once)."""
        return await self.dialer.open_raw(ip, port)

    def heard(self, ip: str, port: int, data: bytes, hung_up: bool) -> None:
        """A raw exchange's answer and whether the server hung up, for the turn-away bookkeeping
        (busy.py)."""
        self.dialer.heard(ip, port, data, hung_up)

    async def udp(self, ip: str, port: int, probes, attempts: int = 2):
        """One UDP request/answer exchange (see engine/udp.py `exchange`)."""
        self.guard.check(ip)
        return await exchange(ip, port, probes, self.timeout, attempts)

    def forget(self, ip: str, port: int) -> None:
        """Drop the memos of one port (exchanges a turned-away connection spoilt)."""
        for key in [key for key in self._memo if key[1:3] == (ip, port)]:
            del self._memo[key]

    async def memo(self, key, factory):
        """The result of `await factory()`, computed once per key per run (concurrent callers
        wait for the same computation)."""
        task = self._memo.get(key)
        if task is None:
            task = self._memo[key] = asyncio.ensure_future(counting(factory()))
        result, met, _none = await asyncio.shield(task)
        count_met(met)  # the exchange's turn-aways count for every check that uses it (busy.py)
        return result


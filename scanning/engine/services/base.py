"""What every protocol probe shares: the Match it returns, a connection with time-outs on every
read, the dialer that bounds sockets globally and per host and refuses blocked addresses, and
small text helpers (product/version tokens, CPEs)."""

import asyncio
import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..busy import TURNED_AWAY_ERRORS, PortLimits, busy_reply
from ..tls import client_context, session_facts

READ_LIMIT = 65536
TOKEN = re.compile(r"^\s*([A-Za-z][\w.+-]*?)[/ _-]v?(\d[\w.+~:-]*)(?:\s+\((.*?)\))?")


@dataclass
class Match:
    service: str
    product: str = ""
    version: str = ""
    cpe: str = ""
    banner: str = ""
    extra: dict = field(default_factory=dict)
    os: str = ""


class Conn:
    """A stream with a deadline on every read; it remembers the first bytes it heard, whether it
    spoke and whether the peer hung up (to tell a turned-away connection, busy.py)."""

    def __init__(self, reader, writer, timeout: float, host: str):
        self.reader, self.writer, self.timeout, self.host = reader, writer, timeout, host
        self.heard, self.spoke, self.hung_up = b"", False, False

    def turned_away(self, suspect: bool = False) -> bool:
        """Told "too many connections", or closed before a word either way (or, `suspect`: on a
        port that turned connections away already, closed without a word after we spoke)."""
        return busy_reply(self.heard) or (self.hung_up and not self.heard and (suspect or not self.spoke))

    async def send(self, data: bytes) -> None:
        self.spoke = True
        self.writer.write(data)
        await asyncio.wait_for(self.writer.drain(), self.timeout)

    async def read(self, timeout: float | None = None, until=None, limit: int = READ_LIMIT) -> bytes:
        """What arrives until `until(data)` holds, the peer closes, `limit` bytes or the time-out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if timeout is None else timeout)
        data = b""
        while len(data) < limit and (remaining := deadline - loop.time()) > 0:
            try:
                chunk = await asyncio.wait_for(self.reader.read(limit - len(data)), remaining)
            except TimeoutError:
                break
            except OSError:  # reset (ConnectionError) or a TLS error
                self.hung_up = True
                break
            if not chunk:
                self.hung_up = True
                break
            data += chunk
            if len(self.heard) < 512:
                self.heard += chunk[: 512 - len(self.heard)]
            if until is not None and until(data):
                break
        return data

    async def ask(self, data: bytes, until=None, timeout: float | None = None) -> bytes:
        await self.send(data)
        return await self.read(timeout, until)

    def tls_facts(self) -> dict | None:
        ssl_object = self.writer.get_extra_info("ssl_object")
        return session_facts(ssl_object) if ssl_object is not None else None

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 1.0)


class Dialer:
    """Opens probe connections: blocked addresses refused, sockets bounded (globally, per host, and
    per port once the port turned a connection away: `limits`, shared by the run's dialers),
    time-outs on all; every turned-away connection is noted in `limits`."""

    def __init__(self, guard, timeout: float, max_sockets: int = 256, per_host: int = 16, limits: PortLimits | None = None):
        self.guard, self.timeout = guard, timeout
        self.sockets = asyncio.Semaphore(max(1, max_sockets))
        self.per_host = defaultdict(lambda: asyncio.Semaphore(max(1, per_host)))
        self.limits = limits if limits is not None else PortLimits()
        self.tls_context = client_context()

    @contextlib.asynccontextmanager
    async def connect(self, ip: str, port: int, tls: bool = False, hostname: str = "", source: str = ""):
        """`source`: the local address to connect from ("" the system's choice)."""
        self.guard.check(ip)
        async with self.limits.gently(ip, port), self.per_host[ip], self.sockets:  # a waiting port holds no global slot
            options = {"ssl": self.tls_context, "server_hostname": hostname or None, "ssl_handshake_timeout": self.timeout} if tls else {}
            if source:
                options["local_addr"] = (source, 0)
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(ip, port, **options), self.timeout)
            except TURNED_AWAY_ERRORS as exc:
                # a TLS handshake cut short is no sign: many servers hang up on a ClientHello
                if not tls or isinstance(exc, ConnectionRefusedError):
                    self.limits.note(ip, port)
                raise
            conn = Conn(reader, writer, self.timeout, hostname or ip)
            suspect = self.limits.count(ip, port) > 0
            try:
                yield conn
            except TURNED_AWAY_ERRORS:
                if not conn.heard:
                    conn.hung_up = True
                raise
            finally:
                if conn.turned_away(suspect):
                    self.limits.note(ip, port)
                await conn.close()

    async def open_raw(self, ip: str, port: int):
        """A plain (reader, writer) pair for a caller that speaks byte by byte and closes the writer
        itself. Bound only by the gentle limits of a port (host) that turned connections away,
        held until the writer is closed."""
        self.guard.check(ip)
        bounded = bool(self.limits.bounds(ip, port))  # the common case: nothing to hold
        held = contextlib.AsyncExitStack()
        if bounded:
            await held.enter_async_context(self.limits.gently(ip, port))
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(ip, port), self.timeout)
        except BaseException as exc:
            if isinstance(exc, TURNED_AWAY_ERRORS):
                self.limits.note(ip, port)
            await held.aclose()
            raise
        if bounded:
            _release_when_closed(writer, held, self.timeout)
        return reader, writer

    def heard(self, ip: str, port: int, data: bytes, hung_up: bool) -> None:
        """What a raw exchange got back: a busy reply is a turn-away, and so is a hang-up without a
        word from a port that already turned connections away (it may be one more)."""
        if busy_reply(data) or (not data and hung_up and self.limits.count(ip, port)):
            self.limits.note(ip, port)


def _release_when_closed(writer, held, timeout: float) -> None:
    async def release():
        try:
            await asyncio.wait_for(writer.wait_closed(), RAW_HOLD_TIMEOUTS * timeout)
        except BaseException:  # noqa: S110 - closed with an error, or held too long: free the slots
            pass
        finally:
            await held.aclose()

    task = asyncio.ensure_future(release())
    _RELEASERS.add(task)
    task.add_done_callback(_RELEASERS.discard)


RAW_HOLD_TIMEOUTS = 6  # a raw connection not closed after this many socket time-outs frees its slot
_RELEASERS: set = set()  # the release tasks, kept referenced until done


def text(data: bytes, limit: int = 1024) -> str:
    """Printable text of a banner: decoded leniently, control bytes dropped, trimmed."""
    decoded = data[:limit].decode("utf-8", "replace")
    return "".join(c for c in decoded if c.isprintable() or c in "\r\n\t").strip()


def first_line(data: bytes) -> str:
    return text(data.split(b"\n", 1)[0])


def split_token(value: str) -> tuple[str, str, str]:
    """"nginx/1.18.0 (Ubuntu)" -> ("nginx", "1.18.0", "Ubuntu"); no version -> (value, "", "")."""
    found = TOKEN.match(value or "")
    if not found:
        return (value or "").strip(), "", ""
    return found.group(1), found.group(2).rstrip(".,;"), found.group(3) or ""


VERSION = re.compile(r"^v?(\d+(?:[.:]\w+)*(?:[a-z]\w*)?(?:[-+~][\w.+~]*)?)$", re.IGNORECASE)
PHRASES = re.compile(r"\b(or later|or earlier|and later|later|earlier|through|to)\b|\s-\s|\.x\b|\bx\.", re.IGNORECASE)


def clean_version(value: str) -> str:
    """A version, or "" for anything else: "9.2p1 Debian 2+deb12u10" -> "9.2p1" (the leading
    version token), "9.6.0 or later" and "2.0.0 - 2.2.0" (ranges, phrases) -> ""."""
    value = (value or "").strip()
    if not value or PHRASES.search(value):
        return ""
    found = VERSION.match(value.split()[0])
    return found.group(1) if found else ""


def cpe(vendor: str, product: str, version: str = "") -> str:
    """A CPE 2.2 URI, the form nmap prints: cpe:/a:vendor:product[:version]."""
    parts = ["cpe:/a", vendor, product] + ([version.replace(" ", "_").lower()] if version else [])
    return ":".join(parts)


def line_complete(data: bytes) -> bool:
    return data.endswith(b"\n")

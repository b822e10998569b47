"""What every protocol probe shares: the Match it returns, a connection with time-outs on every
read, the dialer that bounds sockets globally and per host and refuses blocked addresses, and
small text helpers (product/version tokens, CPEs)."""

import asyncio
import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

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
    """A stream with a deadline on every read."""

    def __init__(self, reader, writer, timeout: float, host: str):
        self.reader, self.writer, self.timeout, self.host = reader, writer, timeout, host

    async def send(self, data: bytes) -> None:
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
            except (TimeoutError, ConnectionError, OSError):
                break
            if not chunk:
                break
            data += chunk
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
    """Opens probe connections: blocked addresses refused, sockets bounded, time-outs on all."""

    def __init__(self, guard, timeout: float, max_sockets: int = 256, per_host: int = 16):
        self.guard, self.timeout = guard, timeout
        self.sockets = asyncio.Semaphore(max(1, max_sockets))
        self.per_host = defaultdict(lambda: asyncio.Semaphore(max(1, per_host)))
        self.tls_context = client_context()

    @contextlib.asynccontextmanager
    async def connect(self, ip: str, port: int, tls: bool = False, hostname: str = ""):
        self.guard.check(ip)
        async with self.per_host[ip], self.sockets:  # a waiting port holds no global slot
            options = {"ssl": self.tls_context, "server_hostname": hostname or None, "ssl_handshake_timeout": self.timeout} if tls else {}
            reader, writer = await asyncio.wait_for(asyncio.open_connection(ip, port, **options), self.timeout)
            conn = Conn(reader, writer, self.timeout, hostname or ip)
            try:
                yield conn
            finally:
                await conn.close()


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

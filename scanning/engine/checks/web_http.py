"""What the web server checks share: one HTTP exchange per port (GET / through `ctx.memo`, so the
eight checks of a port cost one request), a plain HTTP/1.x response parser, and the web base
class (every TCP port detection named as HTTP or HTTPS)."""

import re
from dataclasses import dataclass, field

from .base import Check

WEB_SERVICES = ("http", "https", "http-alt", "https-alt", "http-proxy", "ssl/http")
USER_AGENT = "Mozilla/5.0 (compatible; cg-scanner/1.0)"
RESPONSE_LIMIT = 256 * 1024
STATUS = re.compile(rb"^HTTP/(\d(?:\.\d)?) (\d{3})(?: ([^\r\n]*))?\r?\n")
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass
class Response:
    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names, repeated ones joined
    body: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def status_line(self) -> str:
        return f"{self.status} {self.reason}".strip()

    @property
    def title(self) -> str:
        found = TITLE.search(self.body)
        return " ".join(found.group(1).split())[:200] if found else ""

    @property
    def is_html(self) -> bool:
        return "html" in self.header("content-type").lower()


def parse(data: bytes) -> Response | None:
    status = STATUS.match(data)
    if not status:
        return None
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        head, _separator, body = data.partition(b"\n\n")
    headers: dict[str, str] = {}
    for line in head.split(b"\n")[1:]:
        name, colon, value = line.decode("latin-1").partition(":")
        key = name.strip().lower()
        if colon and key:
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    reason = (status.group(3) or b"").decode("latin-1").strip()
    return Response(int(status.group(2)), reason, headers, body.decode("utf-8", "replace"))


def host_header(host, port) -> str:
    name = host.hostname or (f"[{host.ip}]" if ":" in host.ip else host.ip)
    default = 443 if port.tls else 80
    return name if port.port == default else f"{name}:{port.port}"


def request(method: str, host, port, path: str = "/", extra: str = "") -> bytes:
    return (f"{method} {path} HTTP/1.1\r\nHost: {host_header(host, port)}\r\nUser-Agent: {USER_AGENT}\r\n"
            f"Accept: */*\r\n{extra}Connection: close\r\n\r\n").encode()


def _complete(data: bytes) -> bool:
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        return False
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return bool(length) and len(body) >= int(length.group(1))


async def exchange(ctx, host, port, method: str = "GET", path: str = "/", extra: str = "") -> Response | None:
    """One request on a fresh connection (TLS when the port speaks it); the parsed response."""
    async with ctx.connect(host.ip, port.port, tls=port.tls, hostname=host.hostname) as conn:
        await conn.send(request(method, host, port, path, extra))
        data = await conn.read(until=_complete, limit=RESPONSE_LIMIT)
    return parse(data)


async def front_page(ctx, host, port) -> Response | None:
    """GET / once per port per run."""
    return await ctx.memo(("http-get", host.ip, port.port, "/"), lambda: exchange(ctx, host, port))


class WebCheck(Check):
    family = "web_servers"
    services = WEB_SERVICES
    solution_type = "Mitigation"

"""Key-value stores that answer anyone: Redis (PING, then INFO server) and Memcached (version)."""

import re

from .base import Match, cpe, line_complete

REDIS_REFUSALS = (b"-NOAUTH", b"-DENIED", b"-ERR operation not permitted", b"-WRONGPASS", b"-ERR Client sent AUTH")


def _bulk_complete(data: bytes) -> bool:
    if not data.startswith(b"$"):
        return line_complete(data)
    head, sep, body = data.partition(b"\r\n")
    try:
        return bool(sep) and len(body) >= int(head[1:]) + 2
    except ValueError:
        return True


def redis_info(reply: bytes) -> dict:
    info = {}
    for line in reply.decode("utf-8", "replace").splitlines():
        key, colon, value = line.partition(":")
        if colon and not key.startswith("#"):
            info[key.strip()] = value.strip()
    return info


async def probe_redis(conn) -> Match | None:
    reply = await conn.ask(b"PING\r\n", until=line_complete)
    if reply.startswith(b"+PONG"):
        info = redis_info(await conn.ask(b"INFO server\r\n", until=_bulk_complete))
        version = info.get("redis_version", "")
        extra = {"redis": {"auth_required": False, "mode": info.get("redis_mode", ""), "os": info.get("os", "")}}
        return Match("redis", "Redis key-value store", version, cpe("redis", "redis", version), banner="+PONG", extra=extra)
    if reply.startswith(REDIS_REFUSALS):
        line = reply.split(b"\r\n", 1)[0].decode("latin-1")
        return Match("redis", "Redis key-value store", banner=line, extra={"redis": {"auth_required": True}})
    return None


async def probe_memcached(conn) -> Match | None:
    reply = await conn.ask(b"version\r\n", until=line_complete)
    found = re.match(rb"^VERSION (\S+)\r?\n", reply)
    if not found:
        return None
    version = found.group(1).decode("latin-1")
    return Match("memcached", "Memcached", version, cpe("memcached", "memcached", version), banner=reply.decode("latin-1").strip())

"""Stage 1: the plan's addresses plus its hostnames resolved now (getaddrinfo in a small thread
pool, each name with a time-out), blocked networks dropped, duplicates merged, names kept."""

import asyncio
import logging
import socket
from concurrent.futures import ThreadPoolExecutor
from ipaddress import ip_address

log = logging.getLogger(__name__)

RESOLVE_TIMEOUT = 5.0
MAX_ADDRESSES_PER_NAME = 16


def normalize(ip) -> str:
    return str(ip_address(str(ip).split("%", 1)[0]))


async def resolve(name: str, pool, timeout: float = RESOLVE_TIMEOUT) -> list[str]:
    loop = asyncio.get_running_loop()
    call = loop.run_in_executor(pool, socket.getaddrinfo, name, None, 0, socket.SOCK_STREAM)
    try:
        infos = await asyncio.wait_for(call, timeout)
    except (TimeoutError, OSError, UnicodeError) as exc:
        log.info("could not resolve %s: %s", name, exc)
        return []
    found = []
    for family, *_rest, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            ip = normalize(sockaddr[0])
            if ip not in found:
                found.append(ip)
    return found[:MAX_ADDRESSES_PER_NAME]


async def expand(addresses, hostnames, guard, timeout: float = RESOLVE_TIMEOUT) -> list[tuple[str, str]]:
    """[(ip, hostname)] in plan order: addresses first, then what the names resolved to."""
    targets: dict[str, str] = {}
    for raw in addresses:
        try:
            ip = normalize(raw)
        except ValueError:
            log.warning("skipping invalid address %r", raw)
            continue
        if guard.allows(ip):
            targets.setdefault(ip, "")
    names = [name.strip().rstrip(".").lower() for name in hostnames if name and name.strip()]
    if names:
        pool = ThreadPoolExecutor(max_workers=min(16, len(names)), thread_name_prefix="engine-resolve")
        try:
            resolved = await asyncio.gather(*(resolve(name, pool, timeout) for name in names))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        for name, ips in zip(names, resolved, strict=True):
            for ip in ips:
                if not guard.allows(ip):
                    log.info("%s resolves to blocked %s: skipped", name, ip)
                elif not targets.get(ip):
                    targets[ip] = name
    return list(targets.items())

"""Service detection on one open TCP port. Two connections start together: a plain one that
waits for a greeting (SSH, FTP, SMTP ... speak first) and a TLS handshake. A recognised greeting
wins; else a completed handshake makes it a TLS port, read for a greeting and then asked over
TLS. A port still silent after ASK_DELAY is also asked in the clear on other connections (the
port's expected protocol first, the rest side by side, the first valid answer winning) while
the greeting wait goes on: a server that speaks first only after a slow reverse lookup is still
heard, and one that never speaks first costs ASK_DELAY rather than the whole time-out."""

import asyncio
import logging
import ssl
import struct

from ..busy import busy_reply, met_here, pause_before_retry
from ..nmap import TLS_NAMES
from ..types import PortResult
from .base import clean_version, text
from .databases import mysql_packet_complete
from .registry import GREETINGS, asks_for

log = logging.getLogger(__name__)

PROBE_ERRORS = (OSError, TimeoutError, ssl.SSLError, ValueError, IndexError, KeyError, struct.error, EOFError, UnicodeError)
TLS_GREETING_WAIT = 1.0
ASK_DELAY = 0.5
TLS_SETTLE = 0.5  # how long a handshake under way may still win over a cleartext answer
ASK_AGAIN_PAUSES = (0.2, 0.5)  # before asking again a port that turned the connection away (busy.py)


def greeting_complete(data: bytes) -> bool:
    return data.endswith(b"\n") or mysql_packet_complete(data) or data[:1] == b"\xff"


async def match_greeting(conn, greeting: bytes):
    for probe in GREETINGS:
        try:
            found = await probe.greeting(conn, greeting)
        except PROBE_ERRORS as exc:
            log.debug("%s greeting matcher failed: %s", probe.name, exc)
            continue
        if found is not None:
            return found
    return None


async def session(dialer, ip, port, tls, hostname, wait, connected=None):
    """(TLS facts or None, greeting Match or None, greeting bytes) of one connection; `connected`
    (an asyncio.Event) is set once the connection, and its handshake, are up."""
    try:
        async with dialer.connect(ip, port, tls, hostname) as conn:
            if connected is not None:
                connected.set()
            facts = conn.tls_facts() if tls else None
            greeting = await conn.read(wait, until=greeting_complete)
            found = await match_greeting(conn, greeting) if greeting else None
            return facts, found, greeting
    except PROBE_ERRORS:
        return None, None, b""


async def ask(dialer, ip, port, probe, tls, hostname):
    """The probe's Match or None; asked again (after a short pause) while the port turns
    connections away, so that a server at its connection limit is heard once a slot is free."""
    for pause in (0.0, *ASK_AGAIN_PAUSES):
        if pause:
            await pause_before_retry(pause)
        before = met_here()  # this probe's own turn-aways: its neighbours' are theirs to retry
        try:
            async with dialer.connect(ip, port, tls, hostname) as conn:
                found = await probe.ask(conn)
        except PROBE_ERRORS as exc:
            log.debug("%s probe on %s:%s failed: %s", probe.name, ip, port, exc)
            found = None
        if found is not None or met_here() == before:
            return found
    return None


async def ask_all(dialer, ip, port, tls, hostname):
    hinted, rest = asks_for(port)
    for probe in hinted:
        found = await ask(dialer, ip, port, probe, tls, hostname)
        if found is not None:
            return found
    tasks = [asyncio.ensure_future(ask(dialer, ip, port, probe, tls, hostname)) for probe in rest]
    try:
        for next_done in asyncio.as_completed(tasks):
            found = await next_done
            if found is not None:
                return found
        return None
    finally:
        await _cancel(tasks)


async def detect_port(dialer, ip: str, port: int, hostname: str = "") -> tuple[PortResult, str]:
    """(the port's PortResult, an OS hint from its banner or "")"""
    timeout = dialer.timeout
    plain = asyncio.ensure_future(session(dialer, ip, port, False, hostname, timeout))
    handshake = asyncio.Event()
    secure = asyncio.ensure_future(session(dialer, ip, port, True, hostname, min(TLS_GREETING_WAIT, timeout), handshake))
    result = PortResult(port, "tcp")
    asks = None
    try:
        pending = {plain, secure}
        facts = found = None
        greeting = b""
        while pending and found is None and facts is None:
            done, pending = await asyncio.wait(pending, timeout=None if asks else ASK_DELAY, return_when=asyncio.FIRST_COMPLETED)
            if not done and asks is None and not busy_reply(greeting):  # silent so far: ask as well
                asks = asyncio.ensure_future(ask_all(dialer, ip, port, False, hostname))
                pending.add(asks)
            if plain in done:
                _none, found, greeting = plain.result()
            if secure in done and found is None:
                facts, found, tls_greeting = secure.result()
                greeting = tls_greeting or greeting
            if asks in done and found is None and facts is None:
                asked = asks.result()
                if asked is not None and secure in pending:
                    # A TLS port answers cleartext probes too (nginx: "plain HTTP request was sent
                    # to HTTPS port"): a handshake under way still wins over what the asks heard.
                    # A handshake still hanging then is a server waiting for more of what it took
                    # for its own protocol (Redis, DNS over TCP): bounded, not the whole time-out.
                    if await _handshake_settles(handshake, secure):
                        await asyncio.wait({secure})  # up: its greeting wait is bounded
                        pending.discard(secure)
                        facts, tls_found, tls_greeting = secure.result()
                        if facts is not None:
                            found, greeting = tls_found, tls_greeting or greeting
                if facts is None:
                    found = asked
        await _cancel(pending)
        if facts is not None:
            result.tls = True
            result.extra["tls"] = facts
            found = found or await ask_all(dialer, ip, port, True, hostname)
        elif found is None and asks is None and not busy_reply(greeting):
            # (a server that greets with "421 too many connections" is asked nothing now: the
            # stage detects the port again, gently, after a pause: services/hosts.py)
            found = await ask_all(dialer, ip, port, False, hostname)
    finally:
        await _cancel([task for task in (plain, secure, asks) if task is not None])
    if found is None:
        result.banner = text(greeting)
        return result, ""
    result.service = TLS_NAMES.get(found.service, found.service) if result.tls else found.service
    result.product, result.version, result.cpe = found.product, clean_version(found.version), found.cpe
    result.banner = found.banner or text(greeting)
    result.extra.update(found.extra)
    return result, found.os


async def _handshake_settles(handshake, secure) -> bool:
    """True once the TLS session is up or over, False when it is still hanging after TLS_SETTLE."""
    waiter = asyncio.ensure_future(handshake.wait())
    try:
        await asyncio.wait({secure, waiter}, timeout=TLS_SETTLE, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    return handshake.is_set() or secure.done()


async def _cancel(tasks) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

"""STARTTLS: mail and FTP servers usually offer TLS by upgrading a plain-text session (SMTP EHLO +
STARTTLS, RFC 3207; IMAP STARTTLS, RFC 3501; POP3 STLS, RFC 2595; FTP AUTH TLS, RFC 4217). The
SSL/TLS checks open every connection through `open_tls_stream`: on such a port it speaks the
plain-text part on the fresh socket (a time-out on every read) and hands the socket over at the
point where the server waits for a ClientHello, so the raw ClientHello probes and the OpenSSL
handshakes see the same server an implicit-TLS port shows. A server that refuses the upgrade
raises `StarttlsRefused`: the port is then simply not TLS-checked."""

import asyncio
import contextlib
import re

from ..services.base import Conn
from .service_io import lines_of, numeric_reply_complete, reply_code

# service name as detection (or nmap) gives it -> the plain-text dialogue that upgrades it
STARTTLS_SERVICES = {"smtp": "smtp", "submission": "smtp", "imap": "imap", "pop3": "pop3", "ftp": "ftp"}
EVIDENCE_LABELS = {"smtp": "SMTP STARTTLS", "imap": "IMAP STARTTLS", "pop3": "POP3 STLS", "ftp": "FTP AUTH TLS"}


class StarttlsRefused(EOFError):
    """The server did not greet as expected or did not agree to the upgrade."""


def starttls_protocol(port) -> str:
    """The STARTTLS dialogue of a plain TCP port ("" when none: implicit TLS, or another service)."""
    if port.tls or port.protocol != "tcp":
        return ""
    return STARTTLS_SERVICES.get(port.service, "")


def via_starttls(detection: str, protocol: str) -> str:
    return f"{detection} (via STARTTLS: {EVIDENCE_LABELS[protocol]})"


def _line(data: bytes) -> bool:
    return data.endswith(b"\n")


async def _smtp(conn) -> None:
    if reply_code(await conn.read(until=numeric_reply_complete)) != 220:
        raise StarttlsRefused("no SMTP greeting")
    reply = await conn.ask(b"EHLO scanner.example.org\r\n", until=numeric_reply_complete)
    extensions = {line[4:].strip().upper() for line in lines_of(reply) if line[:3] == "250"}
    if reply_code(reply) != 250 or "STARTTLS" not in extensions:
        raise StarttlsRefused("no STARTTLS in the EHLO reply")
    if reply_code(await conn.ask(b"STARTTLS\r\n", until=numeric_reply_complete)) != 220:
        raise StarttlsRefused("STARTTLS refused")


async def _imap(conn) -> None:
    if not re.match(rb"^\* OK", await conn.read(until=_line), re.I):
        raise StarttlsRefused("no IMAP greeting")  # PREAUTH: already authenticated, no STARTTLS (RFC 3501 6.2.1)
    reply = await conn.ask(b"a1 STARTTLS\r\n", until=lambda d: re.search(rb"(?:^|\n)a1 [^\n]*\n$", d) is not None)
    if not re.search(rb"(?:^|\n)a1 OK", reply, re.I):
        raise StarttlsRefused("STARTTLS refused")


async def _pop3(conn) -> None:
    if not (await conn.read(until=_line)).startswith(b"+OK"):
        raise StarttlsRefused("no POP3 greeting")
    if not (await conn.ask(b"STLS\r\n", until=_line)).startswith(b"+OK"):
        raise StarttlsRefused("STLS refused")


async def _ftp(conn) -> None:
    if reply_code(await conn.read(until=numeric_reply_complete)) != 220:
        raise StarttlsRefused("no FTP greeting")
    if reply_code(await conn.ask(b"AUTH TLS\r\n", until=numeric_reply_complete)) != 234:
        raise StarttlsRefused("AUTH TLS refused")


DIALOGUES = {"smtp": _smtp, "imap": _imap, "pop3": _pop3, "ftp": _ftp}


async def open_tls_stream(ctx, ip: str, port: int, starttls: str = ""):
    """A plain (reader, writer) on which the next bytes sent are the TLS ClientHello: the raw
    connection itself, or one upgraded by the `starttls` dialogue. The caller closes the writer."""
    reader, writer = await ctx.open_raw(ip, port)
    if not starttls:
        return reader, writer
    try:
        await DIALOGUES[starttls](Conn(reader, writer, ctx.timeout, ip))
    except BaseException:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1.0)
        raise
    return reader, writer

"""Raw ClientHello probes, as testssl.sh does: the hello is built byte by byte (RFC 5246 7.4.1.2,
RFC 6101 for SSL 3.0, the SSL 2.0 draft), the server's first flight is read and parsed, and no
handshake is ever completed. A ServerHello that takes the offered version = that version is
accepted; an alert, a close or a ServerHello for another version = refused. This works for the
protocols and ciphers the system OpenSSL no longer speaks (SSLv2, SSLv3, EXPORT, RC4 ...).
The flight also carries the certificate chain in the clear (TLS 1.2 and older)."""

import asyncio
import contextlib
import os
import struct
from dataclasses import dataclass, field

from .starttls import open_tls_stream, starttls_protocol
from .tls_suites import ALL_SUITES, RENEGOTIATION_SCSV, SSL2_CIPHERS, SUITES

SSL2, SSL3, TLS10, TLS11, TLS12 = 0x0002, 0x0300, 0x0301, 0x0302, 0x0303
VERSION_NAMES = {SSL2: "SSLv2", SSL3: "SSLv3", TLS10: "TLSv1.0", TLS11: "TLSv1.1", TLS12: "TLSv1.2"}
HANDSHAKE, ALERT = 22, 21
SERVER_HELLO, CERTIFICATE, SERVER_HELLO_DONE = 2, 11, 14
FLIGHT_LIMIT = 256 * 1024
GROUPS = (0x001D, 0x0017, 0x0018, 0x0019, 0x0100)  # x25519, P-256, P-384, P-521, ffdhe2048
SIGNATURE_ALGORITHMS = (0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0402, 0x0203, 0x0201, 0x0202)


@dataclass
class Answer:
    """What the server said to one ClientHello."""

    accepted: bool = False
    version: int = 0  # the ServerHello's version
    cipher: int = 0  # the chosen suite (SSLv2: the first cipher kind offered back)
    alert: str = ""  # "fatal 70" when an alert answered
    certificates: list[bytes] = field(default_factory=list)  # DER, leaf first
    note: str = ""  # "closed", "timeout", "not TLS"

    @property
    def cipher_name(self) -> str:
        table = SSL2_CIPHERS if self.version == SSL2 else SUITES
        return table.get(self.cipher, f"0x{self.cipher:04X}")

    @property
    def version_name(self) -> str:
        return VERSION_NAMES.get(self.version, f"0x{self.version:04X}")


def _vector(width: int, data: bytes) -> bytes:
    return len(data).to_bytes(width, "big") + data


def _extension(kind: int, data: bytes) -> bytes:
    return struct.pack("!HH", kind, len(data)) + data


def extensions(version: int, hostname: str) -> bytes:
    items = []
    if hostname and not hostname.replace(".", "").isdigit() and ":" not in hostname:
        name = hostname.encode("idna")
        items.append(_extension(0x0000, _vector(2, b"\x00" + _vector(2, name))))
    items.append(_extension(0x000A, _vector(2, b"".join(struct.pack("!H", g) for g in GROUPS))))
    items.append(_extension(0x000B, _vector(1, b"\x00")))  # ec_point_formats: uncompressed
    if version >= TLS12:
        items.append(_extension(0x000D, _vector(2, b"".join(struct.pack("!H", a) for a in SIGNATURE_ALGORITHMS))))
    return b"".join(items)


def client_hello(version: int, suites=ALL_SUITES, hostname: str = "") -> bytes:
    """The bytes of a ClientHello record offering `version` (at most) and `suites`. SSL 3.0
    hellos carry no extensions: many SSL 3.0 stacks refuse them."""
    if version == SSL2:
        return ssl2_client_hello()
    offered = b"".join(struct.pack("!H", s) for s in (*suites, RENEGOTIATION_SCSV))
    body = struct.pack("!H", version) + os.urandom(32) + b"\x00" + _vector(2, offered) + b"\x01\x00"
    if version >= TLS10:
        body += _vector(2, extensions(version, hostname))
    handshake = bytes([1]) + _vector(3, body)
    record_version = SSL3 if version == SSL3 else TLS10
    return struct.pack("!BHH", HANDSHAKE, record_version, len(handshake)) + handshake


def ssl2_client_hello() -> bytes:
    specs = b"".join(kind.to_bytes(3, "big") for kind in SSL2_CIPHERS)
    challenge = os.urandom(16)
    body = b"\x01" + struct.pack("!HHHH", SSL2, len(specs), 0, len(challenge)) + specs + challenge
    return struct.pack("!H", 0x8000 | len(body)) + body


def parse_ssl2(data: bytes) -> Answer:
    """An SSL 2.0 SERVER-HELLO: msg 4, session-id-hit, cert type, version, lengths, cert, ciphers."""
    if len(data) < 2 or not data[0] & 0x80:
        return Answer(note="not SSLv2")
    body = data[2:]
    if len(body) < 11 or body[0] != 4:
        return Answer(note="no SERVER-HELLO")
    version, cert_length, specs_length = struct.unpack("!HHH", body[3:9])
    specs = body[11 + cert_length: 11 + cert_length + specs_length]
    kinds = [int.from_bytes(specs[i:i + 3], "big") for i in range(0, len(specs) - 2, 3)]
    certificate = body[11:11 + cert_length]
    return Answer(
        accepted=version == SSL2 and bool(kinds), version=version, cipher=kinds[0] if kinds else 0,
        certificates=[certificate] if certificate else [], note="" if kinds else "no cipher in common",
    )


def records(data: bytes):
    """(content type, version, fragment) of each complete TLS record."""
    offset = 0
    while offset + 5 <= len(data):
        kind, version, length = struct.unpack("!BHH", data[offset:offset + 5])
        if offset + 5 + length > len(data):
            return
        yield kind, version, data[offset + 5:offset + 5 + length]
        offset += 5 + length


def handshake_messages(data: bytes):
    """(type, body) of each complete handshake message, across record boundaries."""
    stream = b"".join(fragment for kind, _v, fragment in records(data) if kind == HANDSHAKE)
    offset = 0
    while offset + 4 <= len(stream):
        kind = stream[offset]
        length = int.from_bytes(stream[offset + 1:offset + 4], "big")
        if offset + 4 + length > len(stream):
            return
        yield kind, stream[offset + 4:offset + 4 + length]
        offset += 4 + length


def flight_complete(data: bytes) -> bool:
    """The server's first flight is in: ServerHelloDone, an alert, or something not TLS."""
    if data and data[0] not in (HANDSHAKE, ALERT):
        return True
    if any(kind == ALERT for kind, _v, _f in records(data)):
        return True
    return any(kind == SERVER_HELLO_DONE for kind, _b in handshake_messages(data))


def parse_flight(offered: int, data: bytes) -> Answer:
    for kind, _version, fragment in records(data):
        if kind == ALERT and len(fragment) >= 2:
            level = "fatal" if fragment[0] == 2 else "warning"
            return Answer(alert=f"{level} {fragment[1]}")
        if kind != HANDSHAKE:
            return Answer(note="not TLS")
        break
    answer = Answer(note="no ServerHello")
    for kind, body in handshake_messages(data):
        if kind == SERVER_HELLO and len(body) >= 38:
            version = struct.unpack("!H", body[:2])[0]
            session_length = body[34]
            cipher = struct.unpack("!H", body[35 + session_length:37 + session_length])[0]
            answer = Answer(accepted=version == offered, version=version, cipher=cipher,
                            note="" if version == offered else "another version chosen")
        elif kind == CERTIFICATE and len(body) >= 3:
            answer.certificates = _certificate_list(body)
    return answer


def _certificate_list(body: bytes) -> list[bytes]:
    total = int.from_bytes(body[:3], "big")
    chain, offset = [], 3
    while offset + 3 <= min(len(body), 3 + total):
        length = int.from_bytes(body[offset:offset + 3], "big")
        chain.append(body[offset + 3:offset + 3 + length])
        offset += 3 + length
    return chain


async def read_flight(reader, timeout: float, ssl2: bool) -> bytes:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    data = b""
    while len(data) < FLIGHT_LIMIT and (remaining := deadline - loop.time()) > 0:
        try:
            chunk = await asyncio.wait_for(reader.read(65536), remaining)
        except (TimeoutError, ConnectionError, OSError):
            break
        if not chunk:
            break
        data += chunk
        if ssl2 and len(data) >= 2 and len(data) >= 2 + ((data[0] & 0x7F) << 8 | data[1]):
            break
        if not ssl2 and flight_complete(data):
            break
    return data


async def hello(ctx, ip: str, port: int, version: int, suites=ALL_SUITES, hostname: str = "", starttls: str = "") -> Answer:
    """Send one ClientHello to ip:port through the check context (after the `starttls` dialogue,
    when given); the server's Answer."""
    reader, writer = await open_tls_stream(ctx, ip, port, starttls)
    try:
        writer.write(client_hello(version, suites, hostname))
        await asyncio.wait_for(writer.drain(), ctx.timeout)
        data = await read_flight(reader, ctx.timeout, version == SSL2)
        ctx.heard(ip, port, data, hung_up=reader.at_eof() or reader.exception() is not None)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1.0)
    if not data:
        return Answer(note="closed")
    return parse_ssl2(data) if version == SSL2 else parse_flight(version, data)


async def shared_hello(ctx, host, port, version: int, suites=ALL_SUITES, label: str = "all") -> Answer:
    """hello() once per (host, port, version, suite set) per run: checks of one port share it."""
    key = ("tls-hello", host.ip, port.port, version, label)
    return await ctx.memo(key, lambda: hello(ctx, host.ip, port.port, version, suites, host.hostname, starttls_protocol(port)))

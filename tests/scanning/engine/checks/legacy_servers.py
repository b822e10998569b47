"""Protocol-faithful servers for what Debian's nginx and OpenSSL can no longer offer.

LegacyTls answers a ClientHello as an old SSL/TLS stack does, up to ServerHelloDone: it parses
the SSL 2.0 CLIENT-HELLO or the SSL 3.0/TLS ClientHello record, picks the highest version both
sides have (the client's if the server has it) and the client's first suite the server has, and
answers SERVER-HELLO (SSL 2.0) or ServerHello + Certificate + ServerHelloDone; with an alert
(protocol_version 70, handshake_failure 40) when there is nothing in common. TraceEcho is an
HTTP/1.1 server that echoes TRACE requests (message/http) and serves a page on GET."""

import os
import struct

from tests.scanning.engine.servers import TcpService, read_until

SSL2 = 0x0002
ALERT_PROTOCOL_VERSION, ALERT_HANDSHAKE_FAILURE = 70, 40


def _read_exactly(conn, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _handshake_record(version: int, messages: list[tuple[int, bytes]]) -> bytes:
    body = b"".join(bytes([kind]) + len(data).to_bytes(3, "big") + data for kind, data in messages)
    return struct.pack("!BHH", 22, version, len(body)) + body


def _alert(version: int, description: int) -> bytes:
    return struct.pack("!BHHBB", 21, version, 2, 2, description)


class LegacyTls:
    def __init__(self, versions, suites, certificate_der: bytes, ssl2_ciphers=(0x010080,)):
        self.versions, self.suites = set(versions), list(suites)
        self.certificate, self.ssl2_ciphers = certificate_der, list(ssl2_ciphers)
        self.hellos = []  # (version offered, suites offered) of every ClientHello seen

    def __call__(self, conn, _service):
        head = _read_exactly(conn, 2)
        if head[0] & 0x80:  # SSL 2.0 record header: 2 bytes, high bit set
            return self.ssl2(conn, _read_exactly(conn, (head[0] & 0x7F) << 8 | head[1]))
        head += _read_exactly(conn, 3)
        kind, _record_version, length = struct.unpack("!BHH", head)
        if kind != 22:
            return None
        self.tls(conn, _read_exactly(conn, length))

    def ssl2(self, conn, body: bytes) -> None:
        if body[:1] != b"\x01" or SSL2 not in self.versions:
            return  # an SSLv2-less server just closes
        specs_length, session_length, challenge_length = struct.unpack("!HHH", body[3:9])
        specs = body[9:9 + specs_length]
        offered = [int.from_bytes(specs[i:i + 3], "big") for i in range(0, len(specs), 3)]
        self.hellos.append((SSL2, offered))
        common = [kind for kind in self.ssl2_ciphers if kind in offered]
        cipher_bytes = b"".join(kind.to_bytes(3, "big") for kind in common)
        connection_id = os.urandom(16)
        reply = b"\x04\x00\x01" + struct.pack("!HHHH", SSL2, len(self.certificate), len(cipher_bytes), len(connection_id))
        reply += self.certificate + cipher_bytes + connection_id
        conn.sendall(struct.pack("!H", 0x8000 | len(reply)) + reply)

    def tls(self, conn, record: bytes) -> None:
        if record[:1] != b"\x01":
            return
        hello = record[4:]
        client_version = struct.unpack("!H", hello[:2])[0]
        session_length = hello[34]
        offset = 35 + session_length
        suites_length = struct.unpack("!H", hello[offset:offset + 2])[0]
        offered = [struct.unpack("!H", hello[offset + 2 + i:offset + 4 + i])[0] for i in range(0, suites_length, 2)]
        self.hellos.append((client_version, offered))
        usable = [v for v in self.versions if v != SSL2 and v <= client_version]
        if not usable:
            conn.sendall(_alert(min(client_version, 0x0301), ALERT_PROTOCOL_VERSION))
            return
        version = max(usable)
        common = [suite for suite in offered if suite in self.suites]
        if not common:
            conn.sendall(_alert(version, ALERT_HANDSHAKE_FAILURE))
            return
        server_hello = struct.pack("!H", version) + os.urandom(32) + b"\x00" + struct.pack("!H", common[0]) + b"\x00"
        certificate = len(self.certificate).to_bytes(3, "big") + self.certificate
        certificates = len(certificate).to_bytes(3, "big") + certificate
        conn.sendall(_handshake_record(version, [(2, server_hello), (11, certificates), (14, b"")]))
        conn.recv(4096)  # the client goes away: a scanner never finishes the handshake


def trace_echo(conn, _service):
    request = read_until(conn, b"\r\n\r\n")
    if request.startswith(b"TRACE "):
        reply = b"HTTP/1.1 200 OK\r\nContent-Type: message/http\r\nContent-Length: %d\r\n\r\n%s" % (len(request), request)
    else:
        page = b"<html><head><title>Echo</title></head><body>echo</body></html>"
        reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(page), page)
    conn.sendall(reply)


def page_server(status: bytes, page: bytes):
    """An HTTP server answering every request with `status` and `page` (e.g. a 404 with a welcome title)."""

    def handle(conn, _service):
        read_until(conn, b"\r\n\r\n")
        conn.sendall(b"HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (status, len(page), page))

    return handle


def start(handler) -> TcpService:
    return TcpService(handler, "127.0.0.1")

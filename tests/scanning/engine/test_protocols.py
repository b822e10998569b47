"""Every protocol probe against a responder that speaks its part (and hangs up on anything
else), and against the real PostgreSQL and Redis of this machine when they run."""

import asyncio
import json
import os
import socket
import struct
import time

import pytest

from scanning.engine import ber
from scanning.engine.guard import Guard
from scanning.engine.services import bson as mini_bson
from scanning.engine.services import detect_port
from scanning.engine.services.base import Dialer

from .servers import http


def detect(ip, port, timeout=0.6):
    return asyncio.run(detect_port(Dialer(Guard(), timeout), ip, port))


def greeting_then(greeting: bytes, answer=None):
    """Send a greeting, then answer each request with answer(request) (None hangs up)."""

    def handle(conn, _service):
        conn.sendall(greeting)
        while answer is not None:
            request = conn.recv(65536)
            reply = answer(request) if request else None
            if reply is None:
                return
            conn.sendall(reply)
        while conn.recv(4096):
            pass

    return handle


def answering(answer):
    return greeting_then(b"", answer)


def smtp_answer(request):
    if request.startswith(b"EHLO"):
        return b"250-mail.example.com\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n"
    return b"221 bye\r\n" if request.startswith(b"QUIT") else None


def mysql_packet(payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "little") + b"\x00" + payload


def mysql_greeting(version: bytes) -> bytes:
    return mysql_packet(b"\x0a" + version + b"\x00" + b"\x08\x00\x00\x00" + b"abcdefgh\x00" + b"\xff\xf7\x08\x02\x00")


def postgres_answer(request):
    if request == struct.pack("!ii", 8, 80877103):
        return b"N"
    if request[4:8] == struct.pack("!i", 196608):
        return b"R" + struct.pack("!ii", 12, 5) + b"salt"
    return None


def mongo_answer(request):
    if len(request) < 16:
        return None
    request_id, op_code = struct.unpack("<i", request[4:8])[0], struct.unpack("<i", request[12:16])[0]
    if op_code == 2004 and b"isMaster" in request:
        document = mini_bson.encode({"ismaster": True, "maxWireVersion": 17, "ok": 1})
        body = struct.pack("<iqii", 0, 0, 0, 1) + document
        return struct.pack("<iiii", 16 + len(body), 1, request_id, 1) + body
    if op_code == 2013 and b"buildInfo" in request:
        body = struct.pack("<i", 0) + b"\x00" + mini_bson.encode({"version": "6.0.5", "ok": 1})
        return struct.pack("<iiii", 16 + len(body), 2, request_id, 2013) + body
    return None


def ldap_answer(request):
    try:
        (_tag, message), *_ = ber.items(request)
        (_i, message_id), (op_tag, _op) = ber.items(message)[:2]
    except ValueError:
        return None
    if op_tag == 0x60:
        bound = ber.tlv(0x61, ber.integer(0, tag=0x0A) + ber.octets("") + ber.octets(""))
        return ber.tlv(0x30, ber.integer(1) + bound)
    if op_tag == 0x63:
        attributes = b"".join(
            ber.tlv(0x30, ber.octets(name) + ber.tlv(0x31, ber.octets(value)))
            for name, value in (("vendorName", "OpenLDAP Foundation"), ("vendorVersion", "2.5.13"))
        )
        entry = ber.tlv(0x30, ber.integer(2) + ber.tlv(0x64, ber.octets("") + ber.tlv(0x30, attributes)))
        done = ber.tlv(0x30, ber.integer(2) + ber.tlv(0x65, ber.integer(0, tag=0x0A) + ber.octets("") + ber.octets("")))
        return entry + done
    return None


def rdp_answer(request):
    if request[:2] != b"\x03\x00" or len(request) < 11 or request[5] != 0xE0:
        return None
    return bytes.fromhex("03000013" "0ed000001234" "00" "0200080001000000")


def amqp_start(product: bytes, version: bytes) -> bytes:
    def text(name, value):
        return bytes([len(name)]) + name + b"S" + struct.pack("!I", len(value)) + value

    capabilities = bytes([len(b"capabilities")]) + b"capabilities" + b"F" + struct.pack("!I", 8) + bytes([5]) + b"basic" + b"t\x01"
    table = capabilities + text(b"product", product) + text(b"version", version) + bytes([8]) + b"platform" + b"V"
    payload = b"\x00\x0a\x00\x0a\x00\x09" + struct.pack("!I", len(table)) + table + struct.pack("!I", 5) + b"PLAIN" + struct.pack("!I", 5) + b"en_US"
    return b"\x01\x00\x00" + struct.pack("!I", len(payload)) + payload + b"\xce"


def mqtt_answer(request):
    if request[:1] == b"\x10":  # CONNECT: accepted
        return b"\x20\x02\x00\x00"
    if request[:1] == b"\x82":  # SUBSCRIBE: granted, then the retained version
        topic, payload = b"$SYS/broker/version", b"mosquitto version 2.0.18"
        body = struct.pack("!H", len(topic)) + topic + payload
        return b"\x90\x03\x00\x01\x00" + b"\x30" + bytes([len(body)]) + body
    return None


def smb2_negotiate_answer(token: bytes, security_mode: int = 0x01):
    def answer(request):
        if request[4:8] != b"\xfeSMB":
            return None
        header = b"\xfeSMB" + struct.pack("<HHIHHII", 64, 0, 0, 0, 1, 1, 0) + bytes(40)
        body = struct.pack("<HHHH", 65, security_mode, 0x0302, 0) + bytes(16) + struct.pack("<IIII", 0x7F, 65536, 65536, 65536)
        body += bytes(16) + struct.pack("<HHI", 64 + 64, len(token), 0)
        message = header + body + token
        return struct.pack(">I", len(message)) + message

    return answer


NATS_INFO = b'INFO {"server_id":"NABC","server_name":"n1","version":"2.10.4","proto":1,"go":"go1.21.3","auth_required":true}\r\n'
ELASTIC = json.dumps({"name": "node-1", "cluster_name": "prod", "version": {"number": "8.11.1"}}).encode()

CASES = {
    "smtp": (greeting_then(b"220 mail.example.com ESMTP Postfix (Ubuntu)\r\n", smtp_answer), ("smtp", "Postfix smtpd", "")),
    "smtp-plain-220": (greeting_then(b"220 Service ready\r\n", smtp_answer), ("smtp", "", "")),
    "ftp-plain-220": (greeting_then(b"220 Service ready\r\n", lambda r: b"500 what?\r\n"), ("ftp", "", "")),
    "pop3": (greeting_then(b"+OK Dovecot ready.\r\n", lambda r: b"+OK\r\nUSER\r\nSTLS\r\n.\r\n"), ("pop3", "Dovecot pop3d", "")),
    "imap": (greeting_then(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n"), ("imap", "Dovecot imapd", "")),
    "telnet": (greeting_then(b"\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01login: "), ("telnet", "", "")),
    # a console that skips option negotiation and waits at its login prompt
    "telnet-prompt-only": (greeting_then(b"\r\nDebian GNU/Linux 12\r\nrouter login: "), ("telnet", "", "")),
    "not-telnet-welcome-line": (greeting_then(b"Welcome to the order service: ready\r\n"), ("unknown", "", "")),
    "vnc": (greeting_then(b"RFB 003.008\n"), ("vnc", "VNC", "")),
    "mysql": (greeting_then(mysql_greeting(b"8.0.33")), ("mysql", "MySQL", "8.0.33")),
    "mariadb": (greeting_then(mysql_greeting(b"5.5.5-10.3.34-MariaDB-0+deb10u1")), ("mysql", "MariaDB", "10.3.34")),
    "mysql-refusal": (
        greeting_then(mysql_packet(b"\xff" + (1130).to_bytes(2, "little") + b"Host '127.0.0.1' is not allowed")),
        ("mysql", "", ""),
    ),
    "mariadb-refusal": (
        greeting_then(mysql_packet(b"\xff" + (1130).to_bytes(2, "little") + b"Host '10.0.0.9' is not allowed to connect to this MariaDB server")),
        ("mysql", "MariaDB", ""),
    ),
    "proftpd-no-version": (greeting_then(b"220 ProFTPD Server (Debian) [127.0.0.1]\r\n", lambda r: b"500 what?\r\n"), ("ftp", "ProFTPD", "")),
    "proftpd": (greeting_then(b"220 ProFTPD 1.3.5e Server (Debian) [::ffff:10.0.0.1]\r\n", lambda r: b"500 what?\r\n"), ("ftp", "ProFTPD", "1.3.5e")),
    "rabbitmq": (answering(lambda r: amqp_start(b"RabbitMQ", b"3.12.1") if r.startswith(b"AMQP") else None), ("amqp", "RabbitMQ", "3.12.1")),
    "amqp-other-version": (answering(lambda r: b"AMQP\x01\x01\x00\x0a" if r.startswith(b"AMQP") else None), ("amqp", "", "")),
    "mosquitto": (answering(mqtt_answer), ("mqtt", "Mosquitto", "2.0.18")),
    "mqtt-refusal": (answering(lambda r: b"\x20\x02\x00\x05" if r[:1] == b"\x10" else None), ("mqtt", "", "")),
    "nats": (greeting_then(NATS_INFO), ("nats", "NATS Server", "2.10.4")),
    "samba": (answering(smb2_negotiate_answer(b"\x60\x20...not_defined_in_RFC4178@please_ignore")), ("microsoft-ds", "Samba smbd", "")),
    "smb-not-samba": (answering(smb2_negotiate_answer(b"\x60\x20 a token without a hint", 0x03)), ("microsoft-ds", "", "")),
    "postgresql": (answering(postgres_answer), ("postgresql", "PostgreSQL", "")),
    "mongodb": (answering(mongo_answer), ("mongodb", "MongoDB", "6.0.5")),
    "memcached": (answering(lambda r: b"VERSION 1.6.21\r\n" if r == b"version\r\n" else None), ("memcached", "Memcached", "1.6.21")),
    "elasticsearch": (http(body=ELASTIC, server=b"", content_type=b"application/json"), ("elasticsearch", "Elasticsearch", "8.11.1")),
    "ldap": (answering(ldap_answer), ("ldap", "OpenLDAP Foundation", "2.5.13")),
    "rdp": (answering(rdp_answer), ("rdp", "Microsoft Terminal Services", "")),
}


@pytest.mark.parametrize("name", CASES)
def test_protocol_is_recognised(name, tcp_service):
    handler, expected = CASES[name]
    service = tcp_service(handler)
    result, _os = detect(service.ip, service.port)
    assert (result.service, result.product, result.version) == expected
    assert result.state == "open" and result.protocol == "tcp" and not result.tls


@pytest.mark.parametrize(
    ("name", "cpe"),
    [("rabbitmq", "cpe:/a:vmware:rabbitmq:3.12.1"), ("mosquitto", "cpe:/a:eclipse:mosquitto:2.0.18"),
     ("nats", "cpe:/a:linuxfoundation:nats-server:2.10.4"), ("mariadb-refusal", "cpe:/a:mariadb:mariadb"),
     ("proftpd-no-version", "cpe:/a:proftpd:proftpd"), ("mqtt-refusal", ""), ("samba", "cpe:/a:samba:samba"),
     ("smb-not-samba", "")],
)  # fmt: skip
def test_brokers_and_versionless_servers_get_nvd_cpes(name, cpe, tcp_service):
    service = tcp_service(CASES[name][0])
    assert detect(service.ip, service.port)[0].cpe == cpe


def test_protocol_details_land_in_extra(tcp_service):
    smtp = tcp_service(CASES["smtp"][0])
    result, _os = detect(smtp.ip, smtp.port)
    assert result.extra["smtp"]["starttls"] is True
    assert result.extra["smtp"]["auth"] == ["PLAIN", "LOGIN"]
    rdp = tcp_service(CASES["rdp"][0])
    assert detect(rdp.ip, rdp.port)[0].extra["rdp"] == {"selected_protocol": "ssl"}
    ldap = tcp_service(CASES["ldap"][0])
    assert detect(ldap.ip, ldap.port)[0].extra["ldap"]["anonymous_bind"] is True
    pg = tcp_service(CASES["postgresql"][0])
    assert detect(pg.ip, pg.port)[0].extra["postgresql"]["auth"] == "md5"


def reachable(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize(("port", "service"), [(5432, "postgresql"), (6379, "redis")])
def test_the_real_server_of_this_machine(port, service):
    if not reachable(port):
        if os.environ.get("CI"):
            pytest.fail(f"CI starts {service} on 127.0.0.1:{port}, but it is not there")
        pytest.skip(f"no {service} on 127.0.0.1:{port}")
    result, _os = detect("127.0.0.1", port, timeout=2.0)
    assert result.service == service
    if service == "redis" and not result.extra["redis"]["auth_required"]:
        assert result.version.count(".") == 2


def redis_waiting_for_a_line(conn, _service):
    """Answers PING and INFO; anything else (a TLS ClientHello) waits, as Redis does, for the rest
    of a line that never comes."""
    data = b""
    while chunk := conn.recv(4096):
        data += chunk
        while b"\r\n" in data:
            line, data = data.split(b"\r\n", 1)
            if line == b"PING":
                conn.sendall(b"+PONG\r\n")
            elif line.startswith(b"INFO"):
                body = b"# Server\r\nredis_version:7.0.15\r\n"
                conn.sendall(b"$%d\r\n%s\r\n" % (len(body), body))


def test_a_cleartext_answer_does_not_wait_out_a_hanging_handshake(tcp_service):
    service = tcp_service(redis_waiting_for_a_line)
    started = time.monotonic()
    result, _os = detect(service.ip, service.port, timeout=4.0)
    assert (result.service, result.version, result.tls) == ("redis", "7.0.15", False)
    assert time.monotonic() - started < 2.5  # ASK_DELAY + the bounded TLS wait, not the 4 s time-out

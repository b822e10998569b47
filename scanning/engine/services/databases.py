"""Databases: MySQL/MariaDB (their handshake packet speaks first), PostgreSQL (SSLRequest, then a
startup message) and MongoDB (isMaster over OP_QUERY, buildInfo over OP_MSG)."""

import os
import re
import struct

from . import bson
from .base import Match, cpe, text

SSL_REQUEST = struct.pack("!ii", 8, 80877103)
PG_AUTH = {0: "trust", 2: "kerberos", 3: "password", 5: "md5", 7: "gss", 9: "sspi", 10: "sasl"}
OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013


# -- MySQL / MariaDB --------------------------------------------------------------------------
def mysql_packet_complete(data: bytes) -> bool:
    return len(data) >= 5 and data[3] == 0 and len(data) >= 4 + int.from_bytes(data[:3], "little")


def mysql_product(server_version: str) -> tuple[str, str, str]:
    if "mariadb" in server_version.lower():
        version = re.sub(r"^5\.5\.5-", "", server_version)
        number = re.match(r"[\d.]+", version)
        version = number.group(0).rstrip(".") if number else ""
        return "MariaDB", version, cpe("mariadb", "mariadb", version)
    number = re.match(r"\d+(?:\.\d+)*", server_version)
    version = number.group(0) if number else server_version
    return "MySQL", version, cpe("oracle", "mysql", version)


async def banner_mysql(conn, greeting: bytes) -> Match | None:
    if not mysql_packet_complete(greeting):
        return None
    size = int.from_bytes(greeting[:3], "little")
    payload = greeting[4 : 4 + size]
    if payload[0] == 0x0A and b"\x00" in payload[1:]:
        server_version = payload[1 : payload.index(b"\x00", 1)].decode("latin-1")
        if not re.match(r"^\d+\.\d+", server_version):
            return None
        product, version, cpe_uri = mysql_product(server_version)
        return Match("mysql", product, version, cpe_uri, banner=server_version, extra={"mysql": {"server_version": server_version}})
    if payload[0] == 0xFF and len(payload) > 3:  # an error packet: "Host ... is not allowed to connect"
        code = struct.unpack("<H", payload[1:3])[0]
        message = text(payload[3:].lstrip(b"#"))
        if 1000 <= code < 5000:  # "Host '192.0.2.9' is not allowed to connect to this MariaDB server"
            product = next((name for name in ("MariaDB", "MySQL") if name.lower() in message.lower()), "")
            vendor = {"MariaDB": ("mariadb", "mariadb"), "MySQL": ("oracle", "mysql")}.get(product)
            cpe_uri = cpe(*vendor) if vendor else ""  # the product, never a version it did not say
            return Match("mysql", product, "", cpe_uri, banner=message, extra={"mysql": {"error_code": code, "error": message}})
    return None


# -- PostgreSQL -------------------------------------------------------------------------------
def startup_message(user: str = "postgres", database: str = "postgres") -> bytes:
    body = struct.pack("!i", 196608)
    for key, value in (("user", user), ("database", database), ("application_name", "scanner")):
        body += key.encode() + b"\x00" + value.encode() + b"\x00"
    body += b"\x00"
    return struct.pack("!i", len(body) + 4) + body


def pg_messages(data: bytes) -> list[tuple[str, bytes]]:
    messages, i = [], 0
    while i + 5 <= len(data):
        kind, size = chr(data[i]), struct.unpack("!i", data[i + 1 : i + 5])[0]
        if size < 4 or i + 1 + size > len(data):
            break
        messages.append((kind, data[i + 5 : i + 1 + size]))
        i += 1 + size
    return messages


def _pg_answered(data: bytes) -> bool:
    """An error, ready-for-query, or an authentication request that waits for a password."""
    return any(kind in "EZ" or (kind == "R" and body[:4] != bytes(4)) for kind, body in pg_messages(data))


async def probe_postgresql(conn) -> Match | None:
    """The version only shows after a login: a server that lets `postgres` in without a password
    (trust) says it (server_version); any other answers "PostgreSQL" without a version."""
    answer = await conn.ask(SSL_REQUEST, until=lambda d: len(d) >= 1)
    if answer == b"S":
        return Match("postgresql", "PostgreSQL", cpe=cpe("postgresql", "postgresql"), extra={"postgresql": {"ssl": True}})
    if answer != b"N":
        return None
    messages = pg_messages(await conn.ask(startup_message(), until=_pg_answered))
    if not messages or messages[0][0] not in ("R", "E"):
        return None
    facts = {"ssl": False}
    for kind, body in messages:
        if kind == "R" and len(body) >= 4:
            facts["auth"] = PG_AUTH.get(struct.unpack("!i", body[:4])[0], "other")
        elif kind == "S":
            key, _, value = body.rstrip(b"\x00").partition(b"\x00")
            if key == b"server_version":
                facts["server_version"] = value.decode("latin-1")
        elif kind == "E":
            fields = dict((f[:1].decode("latin-1"), f[1:].decode("utf-8", "replace")) for f in body.split(b"\x00") if f)
            facts["error"] = fields.get("M", "")
    if facts.get("auth") == "trust":
        await conn.send(b"X\x00\x00\x00\x04")  # Terminate: we were let in without a password
    version = re.match(r"[\d.]+", facts.get("server_version", ""))
    version = version.group(0).rstrip(".") if version else ""
    return Match("postgresql", "PostgreSQL", version, cpe("postgresql", "postgresql", version), extra={"postgresql": facts})


# -- MongoDB ----------------------------------------------------------------------------------
def _message(op_code: int, body: bytes) -> tuple[int, bytes]:
    request_id = int.from_bytes(os.urandom(3), "big")
    return request_id, struct.pack("<iiii", 16 + len(body), request_id, 0, op_code) + body


def mongo_complete(data: bytes) -> bool:
    return len(data) >= 4 and len(data) >= struct.unpack("<i", data[:4])[0]


def mongo_reply(data: bytes, request_id: int) -> dict | None:
    if len(data) < 21:
        return None
    _size, _rid, response_to, op_code = struct.unpack("<iiii", data[:16])
    if response_to != request_id:
        return None
    try:
        if op_code == OP_REPLY and len(data) >= 41:
            return bson.decode(data[36:])
        if op_code == OP_MSG and data[20] == 0:
            return bson.decode(data[21:])
    except (ValueError, struct.error):
        return None
    return None


async def probe_mongodb(conn) -> Match | None:
    query = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1) + bson.encode({"isMaster": 1})
    request_id, message = _message(OP_QUERY, query)
    hello = mongo_reply(await conn.ask(message, until=mongo_complete), request_id)
    if not hello or not ("ismaster" in hello or "isWritablePrimary" in hello or "maxWireVersion" in hello):
        return None
    facts = {"max_wire_version": hello.get("maxWireVersion", 0), "set_name": hello.get("setName", "")}
    if facts["max_wire_version"] >= 6:
        request_id, message = _message(OP_MSG, struct.pack("<i", 0) + b"\x00" + bson.encode({"buildInfo": 1, "$db": "admin"}))
    else:
        query = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1) + bson.encode({"buildInfo": 1})
        request_id, message = _message(OP_QUERY, query)
    build = mongo_reply(await conn.ask(message, until=mongo_complete), request_id) or {}
    version = str(build.get("version", ""))
    return Match("mongodb", "MongoDB", version, cpe("mongodb", "mongodb", version), extra={"mongodb": facts})

"""Message brokers: NATS (speaks first: `INFO {json}` with its version), AMQP 0-9-1 (the protocol
header, answered by Connection.Start whose server properties name product and version: RabbitMQ)
and MQTT (CONNECT; a broker that lets an anonymous client in is asked for `$SYS/broker/version`,
which Mosquitto publishes retained)."""

import json
import struct

from .base import Match, cpe, first_line

AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
AMQP_PRODUCTS = {"rabbitmq": ("RabbitMQ", "vmware", "rabbitmq")}
MQTT_VERSION_TOPIC = b"$SYS/broker/version"
MQTT_PRODUCTS = {"mosquitto": ("Mosquitto", "eclipse", "mosquitto")}
MQTT_CONNACK_CODES = {0: "accepted", 1: "bad protocol version", 2: "client id rejected", 3: "unavailable", 4: "bad credentials", 5: "not authorized"}
PUBLISH_WAIT = 1.0


# -- NATS -------------------------------------------------------------------------------------
async def banner_nats(conn, greeting: bytes) -> Match | None:
    line = first_line(greeting)
    if not line.startswith("INFO {"):
        return None
    try:
        info = json.loads(line[5:])
    except ValueError:
        return None
    if not isinstance(info, dict) or "server_id" not in info:
        return None
    version = str(info.get("version", ""))
    facts = {key: info.get(key) for key in ("version", "go", "auth_required", "tls_required", "tls_available", "max_payload") if key in info}
    return Match("nats", "NATS Server", version, cpe("linuxfoundation", "nats-server", version), banner=line[:200], extra={"nats": facts})


# -- AMQP 0-9-1 -------------------------------------------------------------------------------
def amqp_frame_complete(data: bytes) -> bool:
    if data.startswith(b"AMQP"):
        return len(data) >= 8
    return len(data) >= 7 and len(data) >= 8 + struct.unpack("!I", data[3:7])[0]


FIXED_SIZES = {"t": 1, "b": 1, "B": 1, "s": 2, "u": 2, "I": 4, "i": 4, "l": 8, "L": 8, "f": 4, "d": 8, "D": 5, "T": 8, "V": 0}


def amqp_table(data: bytes) -> dict:
    """The string fields of a field table (nested tables and arrays are skipped by their length)."""
    fields, i = {}, 0
    while i < len(data):
        size = data[i]
        name = data[i + 1 : i + 1 + size].decode("latin-1")
        kind = chr(data[i + 1 + size])
        i += 2 + size
        if kind in "SFxA":
            length = struct.unpack("!I", data[i : i + 4])[0]
            if kind == "S":
                fields[name] = data[i + 4 : i + 4 + length].decode("utf-8", "replace")
            i += 4 + length
        elif kind in FIXED_SIZES:
            i += FIXED_SIZES[kind]
        else:
            break  # a type this parser does not know: what was read so far stands
    return fields


async def probe_amqp(conn) -> Match | None:
    reply = await conn.ask(AMQP_HEADER, until=amqp_frame_complete)
    if reply.startswith(b"AMQP") and len(reply) >= 8:  # it wants another protocol version
        return Match("amqp", banner=reply[:8].hex(), extra={"amqp": {"server_protocol": list(reply[4:8])}})
    if len(reply) < 12 or reply[0] != 1 or reply[7:11] != b"\x00\x0a\x00\x0a":  # Connection.Start
        return None
    # payload at 7: class, method, version major and minor (11, 12), then the server-properties table
    size = struct.unpack("!I", reply[13:17])[0] if len(reply) >= 17 else 0
    try:
        properties = amqp_table(reply[17 : 17 + size])
    except (IndexError, struct.error):
        properties = {}
    name = properties.get("product", "")
    version = properties.get("version", "")
    product, vendor, cpe_product = AMQP_PRODUCTS.get(name.lower(), (name, "", ""))
    extra = {"amqp": {"version": f"{reply[11]}-{reply[12]}", "server_properties": properties}}
    return Match("amqp", product, version, cpe(vendor, cpe_product, version) if vendor else "", banner=f"{name} {version}".strip(), extra=extra)


# -- MQTT -------------------------------------------------------------------------------------
def _remaining_length(value: int) -> bytes:
    out = b""
    while True:
        byte, value = value % 128, value // 128
        out += bytes([byte | (0x80 if value else 0)])
        if not value:
            return out


def _string(value: bytes) -> bytes:
    return struct.pack("!H", len(value)) + value


def mqtt_connect(client_id: bytes = b"cg-scanner") -> bytes:
    body = _string(b"MQTT") + b"\x04\x02\x00\x1e" + _string(client_id)  # MQTT 3.1.1, clean session
    return b"\x10" + _remaining_length(len(body)) + body


def mqtt_subscribe(topic: bytes, packet_id: int = 1) -> bytes:
    body = struct.pack("!H", packet_id) + _string(topic) + b"\x00"
    return b"\x82" + _remaining_length(len(body)) + body


def mqtt_packets(data: bytes) -> list[tuple[int, bytes]]:
    """Complete control packets in data: [(first byte, body)]."""
    packets, i = [], 0
    while i + 2 <= len(data):
        length, shift, j = 0, 0, i + 1
        while j < len(data) and j < i + 5:
            length |= (data[j] & 0x7F) << shift
            shift += 7
            j += 1
            if not data[j - 1] & 0x80:
                break
        else:
            break
        if j + length > len(data):
            break
        packets.append((data[i], data[j : j + length]))
        i = j + length
    return packets


def _published_version(data: bytes) -> str | None:
    for first, body in mqtt_packets(data):
        if first & 0xF0 == 0x30 and len(body) >= 2:
            size = struct.unpack("!H", body[:2])[0]
            topic, payload = body[2 : 2 + size], body[2 + size + (2 if first & 0x06 else 0) :]
            if topic == MQTT_VERSION_TOPIC:
                return payload.decode("utf-8", "replace").strip()
    return None


async def probe_mqtt(conn) -> Match | None:
    reply = await conn.ask(mqtt_connect(), until=lambda d: len(d) >= 4)
    if len(reply) < 4 or reply[0] != 0x20 or reply[1] != 0x02:
        return None
    code = reply[3]
    extra = {"mqtt": {"connack": MQTT_CONNACK_CODES.get(code, str(code)), "anonymous": code == 0}}
    if code != 0:
        return Match("mqtt", extra=extra)
    published = await conn.ask(mqtt_subscribe(MQTT_VERSION_TOPIC), until=lambda d: _published_version(d) is not None, timeout=PUBLISH_WAIT)
    said = _published_version(published) or ""  # "mosquitto version 2.0.11"
    await conn.send(b"\xe0\x00")  # DISCONNECT
    words = said.split()
    known = MQTT_PRODUCTS.get(words[0].lower()) if words else None
    if known is None:
        return Match("mqtt", banner=said, extra=extra)
    version = words[-1] if len(words) > 1 else ""
    return Match("mqtt", known[0], version, cpe(known[1], known[2], version), banner=said, extra=extra)

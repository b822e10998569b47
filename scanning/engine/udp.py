"""UDP, only through protocol probes: a port is open when a valid reply to a real DNS query, NTP
client packet, SNMP GetRequest or Memcached `version` comes back, never because nothing came back. A well-known port
gets its own probes; any other port gets all of them. SNMP is asked with both factory communities
(`public`, `private`): an agent stays silent to a community it does not know, so an agent with
only `private` would otherwise never be found, nor its default community reported."""

import asyncio
import os
import re
import socket
import struct

from . import ber
from .services import dns as dns_detection
from .services.base import cpe
from .types import PortResult

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
SYS_OBJECT_ID = (1, 3, 6, 1, 2, 1, 1, 2, 0)
NET_SNMP = (1, 3, 6, 1, 4, 1, 8072)  # the enterprise number under which net-snmp agents identify
NET_SNMP_VERSION = (1, 3, 6, 1, 4, 1, 2021, 100, 2, 0)  # UCD-SNMP-MIB::versionTag
SNMP_OIDS = (SYS_DESCR, SYS_OBJECT_ID, NET_SNMP_VERSION)
REFUSED = object()


# -- DNS: ". IN NS" with recursion desired ----------------------------------------------------
def dns_probe():
    ident = int.from_bytes(os.urandom(2), "big")
    question = b"\x00" + struct.pack("!HH", 2, 1)
    payload = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + question

    def check(reply: bytes):
        if len(reply) < 12:
            return None
        rid, flags, qdcount = struct.unpack("!HHH", reply[:6])
        if rid != ident or not flags & 0x8000 or (flags >> 11) & 0xF:
            return None
        if qdcount and reply[12 : 12 + len(question)] != question:
            return None
        extra = {"rcode": flags & 0xF, "recursion_available": bool(flags & 0x80), "authoritative": bool(flags & 0x400)}
        return PortResult(0, "udp", service="dns", extra={"dns": extra})

    return payload, check


# -- NTP: a mode 3 (client) packet; the reply must be mode 4 and echo our transmit time -------
def ntp_probe():
    transmit = os.urandom(8)
    payload = b"\x1b" + bytes(39) + transmit

    def check(reply: bytes):
        if len(reply) < 48 or reply[0] & 0x7 != 4 or reply[24:32] != transmit:
            return None
        extra = {"version": (reply[0] >> 3) & 0x7, "stratum": reply[1]}
        return PortResult(0, "udp", service="ntp", extra={"ntp": extra})

    return payload, check


# -- SNMP: v2c GetRequest of sysDescr, sysObjectID and net-snmp's versionTag, community "public"
# (or "private")
def snmp_probe(community: bytes = b"public"):
    request_id = int.from_bytes(os.urandom(3), "big")
    varbinds = b"".join(ber.tlv(0x30, ber.oid(oid) + b"\x05\x00") for oid in SNMP_OIDS)
    pdu = ber.tlv(0xA0, ber.integer(request_id) + ber.integer(0) + ber.integer(0) + ber.tlv(0x30, varbinds))
    payload = ber.tlv(0x30, ber.integer(1) + ber.octets(community) + pdu)

    def check(reply: bytes):
        try:
            [(tag, message)] = ber.items(reply)
            (_v, _version), (_c, seen_community), (pdu_tag, body) = ber.items(message)[:3]
            fields = ber.items(body)
            reply_id = ber.to_int(fields[0][1])
        except (ValueError, IndexError):
            return None
        if tag != 0x30 or pdu_tag != 0xA2 or reply_id != request_id:
            return None
        values = snmp_values(fields[3][1] if len(fields) > 3 else b"")
        return snmp_result(seen_community.decode("latin-1"), values)

    return payload, check


def snmp_values(varbinds: bytes) -> dict:
    """{oid tuple: value} of a reply's varbinds (text for strings, an OID tuple for OIDs)."""
    values = {}
    try:
        for _seq, varbind in ber.items(varbinds):
            (_t, raw_oid), (value_tag, value) = ber.items(varbind)[:2]
            if value_tag == 0x04:
                values[ber.decode_oid(raw_oid)] = value.decode("utf-8", "replace")
            elif value_tag == 0x06:
                values[ber.decode_oid(raw_oid)] = ber.decode_oid(value)
    except (ValueError, IndexError):
        pass
    return values


def snmp_result(community: str, values: dict) -> PortResult:
    description = values.get(SYS_DESCR, "")
    object_id = values.get(SYS_OBJECT_ID, ())
    product = version = cpe_uri = ""
    if isinstance(object_id, tuple) and object_id[: len(NET_SNMP)] == NET_SNMP:
        version = values.get(NET_SNMP_VERSION, "")
        version = version if isinstance(version, str) and re.fullmatch(r"\d[\w.]*", version) else ""
        product, cpe_uri = "net-snmp", cpe("net-snmp", "net-snmp", version)
    extra = {"community": community, "sys_descr": description,
             "sys_object_id": ".".join(map(str, object_id)) if isinstance(object_id, tuple) else ""}
    return PortResult(0, "udp", service="snmp", product=product, version=version, cpe=cpe_uri,
                      banner=description[:512], extra={"snmp": extra})


def snmp_private_probe():
    return snmp_probe(b"private")


# -- Memcached: `version` behind the UDP frame header (request id, sequence 0, 1 datagram, 0) -
MEMCACHED_VERSION = re.compile(rb"^VERSION ([0-9][\w.\-]*)\r\n")


def memcached_probe():
    request_id = os.urandom(2)
    payload = request_id + b"\x00\x00\x00\x01\x00\x00" + b"version\r\n"

    def check(reply: bytes):
        found = MEMCACHED_VERSION.match(reply[8:]) if reply[:2] == request_id else None
        if found is None:
            return None
        version = found.group(1).decode()
        return PortResult(0, "udp", service="memcached", product="Memcached", version=version,
                          cpe=cpe("memcached", "memcached", version), banner=f"VERSION {version}")

    return payload, check


PROBES = {53: (dns_probe,), 123: (ntp_probe,), 161: (snmp_probe, snmp_private_probe), 11211: (memcached_probe,)}


async def exchange(ip: str, port: int, probes, timeout: float, attempts: int = 2):
    """Send the probes' packets (twice at most) and return the first valid reply's PortResult,
    REFUSED on an ICMP port unreachable, None when nothing valid came back."""
    built = [probe() for probe in probes]
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    try:
        sock.connect((ip, port))
        for _ in range(attempts):
            for payload, _check in built:
                await loop.sock_sendall(sock, payload)
            deadline = loop.time() + timeout
            while (remaining := deadline - loop.time()) > 0:
                try:
                    reply = await asyncio.wait_for(loop.sock_recv(sock, 65535), remaining)
                except TimeoutError:
                    break
                for _payload, check in built:
                    result = check(reply)
                    if result is not None:
                        result.port = port
                        return result
    except ConnectionRefusedError:
        return REFUSED
    except OSError:
        return None
    finally:
        sock.close()
    return None


async def probe_port(ip: str, port: int, guard, timeout: float):
    """A PortResult when the port answered one of the probes (its own, or all three on a port
    with no well-known protocol), else None."""
    guard.check(ip)
    probes = PROBES[port] if port in PROBES else [probe for probes in PROBES.values() for probe in probes]
    result = await exchange(ip, port, list(probes), timeout)
    if result is REFUSED or result is None:
        return None
    if result.service == "dns":
        await name_dns_server(ip, port, result, timeout)
    return result


def version_bind_probe():
    query = dns_detection.version_query()

    def check(reply: bytes):
        facts = dns_detection.read_answer(query, reply)
        return PortResult(0, "udp", service="dns", extra={"dns": facts}) if facts is not None else None

    return query.to_wire(), check


async def name_dns_server(ip: str, port: int, result: PortResult, timeout: float) -> None:
    """Ask a DNS port that answered for version.bind: product, version and CPE when it tells."""
    answer = await exchange(ip, port, [version_bind_probe], timeout)
    if not isinstance(answer, PortResult):
        return
    match = dns_detection.match_of(answer.extra["dns"])
    result.product, result.version, result.cpe = match.product, match.version, match.cpe
    result.banner = match.banner
    result.extra["dns"]["version_bind"] = match.extra["dns"]["version_bind"]

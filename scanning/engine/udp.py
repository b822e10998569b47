"""UDP, only through protocol probes: a port is open when a valid reply to a real DNS query, NTP
client packet or SNMP GetRequest comes back, never because nothing came back. A well-known port
gets its own probe; any other port gets all three."""

import asyncio
import os
import socket
import struct

from . import ber
from .types import PortResult

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
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


# -- SNMP: v2c GetRequest sysDescr.0 with the community "public" ------------------------------
def snmp_probe(community: bytes = b"public"):
    request_id = int.from_bytes(os.urandom(3), "big")
    varbind = ber.tlv(0x30, ber.tlv(0x30, ber.oid(SYS_DESCR) + b"\x05\x00"))
    pdu = ber.tlv(0xA0, ber.integer(request_id) + ber.integer(0) + ber.integer(0) + varbind)
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
        description = ""
        try:
            value_tag, value = ber.items(ber.items(fields[3][1])[0][1])[1]
            description = value.decode("utf-8", "replace") if value_tag == 0x04 else ""
        except (ValueError, IndexError):
            pass
        extra = {"community": seen_community.decode("latin-1"), "sys_descr": description}
        return PortResult(0, "udp", service="snmp", banner=description[:512], extra={"snmp": extra})

    return payload, check


PROBES = {53: dns_probe, 123: ntp_probe, 161: snmp_probe}


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
    result = await exchange(ip, port, [PROBES[port]] if port in PROBES else list(PROBES.values()), timeout)
    return None if result is REFUSED else result

"""SNMP (family `snmp`, ids CG-7001..): default community strings. An SNMPv1/v2c agent ignores a
request whose community it does not know (it stays silent), so any GetResponse to our
GetRequest for sysDescr.0 proves the community is accepted. Read-only requests only: nothing is
ever SET."""

import asyncio
import os
from dataclasses import dataclass
from functools import partial

from .. import ber
from ..udp import REFUSED, SYS_DESCR
from .base import Check, register
from .service_io import NET_ERRORS, clip

DEFAULT_COMMUNITIES = (b"public", b"private")
VERSIONS = {1: "v2c", 0: "v1"}  # the version field's value -> its name
GET_RESPONSE = 0xA2


@dataclass
class SnmpAnswer:
    community: str
    version: str
    sys_descr: str
    port: int = 0  # set by udp.exchange


def get_sys_descr(community: bytes, version: int):
    """(payload, check) of a GetRequest sysDescr.0, as udp.exchange expects of a probe."""
    request_id = int.from_bytes(os.urandom(3), "big")
    varbind = ber.tlv(0x30, ber.tlv(0x30, ber.oid(SYS_DESCR) + b"\x05\x00"))
    pdu = ber.tlv(0xA0, ber.integer(request_id) + ber.integer(0) + ber.integer(0) + varbind)
    payload = ber.tlv(0x30, ber.integer(version) + ber.octets(community) + pdu)

    def check(reply: bytes):
        try:
            [(tag, message)] = ber.items(reply)
            (_v, seen_version), (_c, seen_community), (pdu_tag, body) = ber.items(message)[:3]
            fields = ber.items(body)
        except (ValueError, IndexError):
            return None
        if tag != 0x30 or pdu_tag != GET_RESPONSE or seen_community != community or not fields:
            return None
        if ber.to_int(fields[0][1]) != request_id or ber.to_int(seen_version) != version:
            return None
        return SnmpAnswer(community.decode(), VERSIONS[version], _sys_descr(fields))

    return payload, check


def _sys_descr(fields) -> str:
    try:
        value_tag, value = ber.items(ber.items(fields[3][1])[0][1])[1]
    except (ValueError, IndexError):
        return ""
    return value.decode("utf-8", "replace") if value_tag == 0x04 else ""


@register
class SnmpDefaultCommunity(Check):
    nvt = "CG-7001"
    name = "SNMP agent accepts a default community"
    family = "snmp"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
    qod = 95  # the agent answered with our community
    pci_fail = True  # PCI ASV: default credentials on a service
    services = ("snmp",)
    protocol = "udp"
    summary = "The SNMP agent answers requests made with a default community string (public or private)."
    insight = ("SNMPv1/v2c authenticate by community string only, sent in clear text; `public` and `private` are "
               "the factory defaults every scanner and attacker tries first.")
    affected = "SNMP agents (net-snmp, network devices, printers) left with default communities."
    impact = ("Anyone can read the device's configuration, interfaces, routes, processes and installed software; "
              "with a read-write community, change it.")
    solution = ("Remove the default communities; use SNMPv3 with authentication and privacy (authPriv), or at "
                "least a long random community restricted to the management hosts, and filter UDP port 161.")
    solution_type = "Mitigation"
    cves = ("CVE-1999-0517",)
    references = ("https://www.cisa.gov/news-events/alerts/2017/06/05/reducing-risk-snmp-abuse",)

    async def run(self, ctx, host, port):
        answers = await asyncio.gather(*(self._ask(ctx, host.ip, port.port, c) for c in DEFAULT_COMMUNITIES))
        accepted = [a for a in answers if a is not None]
        if not accepted:
            return []
        parts = [f"community {a.community!r} ({a.version}) answered sysDescr.0 = {a.sys_descr or '(no value)'!r}" for a in accepted]
        return [self.finding(port, clip("; ".join(parts)))]

    async def _ask(self, ctx, ip, port, community):
        try:
            answer = await ctx.udp(ip, port, [partial(get_sys_descr, community, v) for v in VERSIONS])
        except NET_ERRORS:
            return None
        return None if answer is REFUSED else answer

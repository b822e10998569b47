"""DNS: `version.bind` (class CHAOS, type TXT) names the server software (dnsmasq, BIND, Unbound,
PowerDNS, NSD, Knot answer it unless told not to). Over TCP it is the ask probe (a DNS server
never speaks first); the UDP port scan asks it after a port answered its first query."""

import re
import struct

import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from .base import Match, cpe

# version.bind text -> (product as nmap writes it, CPE vendor, CPE product); group 1 is the version
DNS_PRODUCTS = [
    (re.compile(r"^dnsmasq-(\d[\w.]*)", re.I), ("dnsmasq", "thekelleys", "dnsmasq")),
    (re.compile(r"^unbound (\d[\w.]*)", re.I), ("Unbound", "nlnetlabs", "unbound")),
    (re.compile(r"^NSD (\d[\w.]*)", re.I), ("NLnet Labs NSD", "nlnetlabs", "nsd")),
    (re.compile(r"^PowerDNS Authoritative Server (\d[\w.]*)", re.I), ("PowerDNS Authoritative Server", "powerdns", "authoritative_server")),
    (re.compile(r"^PowerDNS Recursor (\d[\w.]*)", re.I), ("PowerDNS Recursor", "powerdns", "recursor")),
    (re.compile(r"^Knot DNS (\d[\w.]*)", re.I), ("Knot DNS", "nic", "knot_dns")),
    (re.compile(r"^(?:BIND )?(\d+\.\d+\.\d+(?:-P\d+)?)(?:[-\s].*)?$", re.I), ("ISC BIND", "isc", "bind")),
]


def version_query() -> dns.message.Message:
    return dns.message.make_query("version.bind", dns.rdatatype.TXT, dns.rdataclass.CH, use_edns=False)


def read_answer(query: dns.message.Message, wire: bytes) -> dict | None:
    """{"rcode", "recursion_available", "version_bind"} of a reply to `query`; None when `wire` is
    not one (another protocol, another id)."""
    try:
        reply = dns.message.from_wire(wire, ignore_trailing=True)
    except (dns.exception.DNSException, ValueError, IndexError, struct.error):
        return None
    if reply.id != query.id or not reply.flags & dns.flags.QR:
        return None
    texts = [b"".join(rdata.strings).decode("utf-8", "replace") for rrset in reply.answer for rdata in rrset
             if rrset.rdtype == dns.rdatatype.TXT]
    return {"rcode": dns.rcode.to_text(reply.rcode()), "recursion_available": bool(reply.flags & dns.flags.RA),
            "version_bind": texts[0] if texts else ""}


def product_of(version_bind: str) -> tuple[str, str, str]:
    for pattern, (product, vendor, cpe_product) in DNS_PRODUCTS:
        found = pattern.match(version_bind.strip())
        if found:
            version = found.group(1).rstrip(".")
            return product, version, cpe(vendor, cpe_product, version)
    return "", "", ""


def match_of(facts: dict) -> Match:
    product, version, cpe_uri = product_of(facts["version_bind"])
    return Match("dns", product, version, cpe_uri, banner=facts["version_bind"], extra={"dns": facts})


def _framed_complete(data: bytes) -> bool:
    return len(data) >= 2 and len(data) >= 2 + int.from_bytes(data[:2], "big")


async def probe_dns_tcp(conn) -> Match | None:
    query = version_query()
    wire = query.to_wire()
    reply = await conn.ask(len(wire).to_bytes(2, "big") + wire, until=_framed_complete)
    if not _framed_complete(reply):
        return None
    facts = read_answer(query, reply[2 : 2 + int.from_bytes(reply[:2], "big")])
    return match_of(facts) if facts is not None else None

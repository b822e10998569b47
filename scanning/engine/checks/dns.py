"""DNS (family `dns`, ids CG-8001..): open recursion and version disclosure, with dnspython, over
UDP and (where the server listens) TCP. Open recursion means the server resolves, for us, a name
of somebody else's zone: a NOERROR answer with the RA flag and records for the asked name. A
REFUSED, a referral or an answer without RA is not open recursion."""

import asyncio
import struct

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from ..udp import REFUSED
from .base import Check, register
from .service_io import NET_ERRORS, clip, outside_loopback_source

# names of zones no scanned server should be authoritative for: the IANA example domains (which a
# recursive resolver on the Internet answers) and the reserved .test TLD (a lab resolver's upstream)
PROBE_NAMES = ("example.com", "example.net", "example.org", "example.test", "www.example.test")
DNS_ERRORS = (*NET_ERRORS, dns.exception.DNSException)


class DnsCheck(Check):
    family = "dns"
    services = ("dns",)
    protocol = "udp"

    def applies(self, host, port):
        return port.service in self.services and port.protocol in ("udp", "tcp")

    async def ask(self, ctx, host, port, query):
        """The reply to `query` over the port's transport, or None (time-out, malformed, closed)."""
        ctx.guard.check(host.ip)
        send = dns.asyncquery.tcp if port.protocol == "tcp" else dns.asyncquery.udp
        source = outside_loopback_source(host.ip)  # BIND's `localhost` ACL would recurse for 127.0.0.1
        try:
            return await asyncio.wait_for(send(query, host.ip, port=port.port, timeout=ctx.timeout, source=source),
                                          ctx.timeout + 1)
        except DNS_ERRORS:
            return None


@register
class DnsOpenRecursion(DnsCheck):
    nvt = "CG-8001"
    name = "DNS server allows open recursion"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:L"
    qod = 80
    summary = "The DNS server resolves names of other zones for any client (open resolver)."
    insight = ("A recursive query for a name outside the server's zones was answered with records and the "
               "Recursion Available flag.")
    affected = "Recursive DNS servers and forwarders (BIND, Unbound, dnsmasq, ...) without an access list for recursion."
    impact = ("The server can be abused to amplify denial-of-service attacks against third parties, and its cache "
              "is exposed to poisoning attempts and snooping.")
    solution = ("Restrict recursion to your own clients (BIND: `allow-recursion { trusted; };`, Unbound: "
                "`access-control`, dnsmasq: `--local-service` or listening on internal interfaces only), or "
                "disable it on authoritative servers.")
    solution_type = "Mitigation"
    references = ("https://www.rfc-editor.org/rfc/rfc5358", "https://www.cisa.gov/news-events/alerts/2013/03/29/dns-amplification-attacks")

    async def run(self, ctx, host, port):
        replies = await asyncio.gather(*(self.ask(ctx, host, port, dns.message.make_query(name, "A")) for name in PROBE_NAMES))
        for name, reply in zip(PROBE_NAMES, replies, strict=True):
            if reply is None or reply.rcode() != dns.rcode.NOERROR or not reply.flags & dns.flags.RA:
                continue
            records = answer_records(reply, name)
            if records:
                upstreams = await forwarders(ctx, host.ip, port.port)
                if upstreams == "":
                    return []  # a dnsmasq without upstream servers: the answer is its own data, not recursion
                flags = dns.flags.to_text(reply.flags)
                evidence = f"recursive query for {name} A answered NOERROR, flags {flags}: {'; '.join(records)}"
                evidence += f" (forwards to {upstreams})" if upstreams else ""
                source = outside_loopback_source(host.ip)
                evidence += f"; asked from {source}" if source else ""
                return [self.finding(port, clip(evidence))]
        return []


def answer_records(reply, name: str) -> list[str]:
    """The answer's records for `name` without their TTL and in sorted order: a cache counts TTLs
    down and servers rotate records, and the evidence must read the same on every run."""
    owner = dns.name.from_text(name)
    return sorted(f"{rrset.name} {dns.rdataclass.to_text(rrset.rdclass)} {dns.rdatatype.to_text(rrset.rdtype)} {rdata}"
                  for rrset in reply.answer if rrset.name == owner for rdata in rrset)


def servers_bind_probe():
    """(payload, check) for `servers.bind` CH TXT, dnsmasq's list of its upstream servers. The
    reply is read by hand: a dnsmasq without upstreams answers with an empty TXT record, which
    dnspython rightly rejects as malformed."""
    query = dns.message.make_query("servers.bind", dns.rdatatype.TXT, dns.rdataclass.CH)
    payload = query.to_wire()

    def check(reply: bytes):
        if len(reply) < 12 or reply[:2] != payload[:2] or not reply[2] & 0x80:
            return None
        answered = not reply[3] & 0x0F and struct.unpack("!H", reply[6:8])[0] >= 1 and reply[12 : len(payload)] == payload[12:]
        return _UpstreamList(_first_rdata(reply, len(payload)) if answered else None)  # REFUSED, NOTIMP: not dnsmasq

    return payload, check


class _UpstreamList:
    def __init__(self, rdata: bytes | None):
        self.rdata, self.port = rdata, 0  # udp.exchange sets .port

    def text(self) -> str | None:
        if self.rdata is None:
            return None
        strings, i = [], 0
        while i < len(self.rdata):
            size = self.rdata[i]
            strings.append(self.rdata[i + 1 : i + 1 + size].decode("utf-8", "replace"))
            i += 1 + size
        # dnsmasq writes "address#port queries-sent queries-failed": the counters change every run
        return ", ".join(sorted(string.split(" ")[0] for string in strings))


def _first_rdata(reply: bytes, offset: int) -> bytes | None:
    """The rdata of the first answer record (its owner name a compression pointer, as servers write it)."""
    if reply[offset : offset + 1] and reply[offset] & 0xC0 == 0xC0:
        offset += 2
    else:
        return None
    if len(reply) < offset + 10:
        return None
    size = struct.unpack("!H", reply[offset + 8 : offset + 10])[0]
    return reply[offset + 10 : offset + 10 + size]


async def forwarders(ctx, ip: str, port: int) -> str | None:
    """dnsmasq's upstream servers ("" when it has none); None when the server does not say."""
    try:
        answer = await ctx.udp(ip, port, [servers_bind_probe], attempts=1)
    except NET_ERRORS:
        return None
    if answer is None or answer is REFUSED:
        return None
    return answer.text()


@register
class DnsVersionDisclosure(DnsCheck):
    nvt = "CG-8002"
    name = "DNS server version disclosure (version.bind)"
    cvss_vector = ""  # log: information only
    qod = 95
    summary = "The DNS server reveals its software and version in the CHAOS TXT record version.bind."
    insight = "A query for version.bind (class CH, type TXT) returns the server's version string."
    affected = "BIND, dnsmasq, Unbound and other servers that answer version.bind."
    impact = "Attackers learn the product and version to look up known vulnerabilities."
    solution = "Hide or replace the version string (BIND: `version \"none\";`, Unbound: `hide-version: yes`)."
    solution_type = "Mitigation"
    references = ("https://www.rfc-editor.org/rfc/rfc4892",)

    async def run(self, ctx, host, port):
        query = dns.message.make_query("version.bind", dns.rdatatype.TXT, dns.rdataclass.CH)
        reply = await self.ask(ctx, host, port, query)
        if reply is None or reply.rcode() != dns.rcode.NOERROR:
            return []
        texts = [b"".join(rdata.strings).decode("utf-8", "replace") for rrset in reply.answer
                 if rrset.rdtype == dns.rdatatype.TXT for rdata in rrset]
        texts = [text for text in texts if text.strip()]
        return [self.finding(port, clip(f"version.bind CH TXT: {' '.join(texts)!r}"))] if texts else []

"""UDP only through protocol probes: open means a valid DNS, NTP or SNMP reply came back."""

import asyncio
import time

from scanning.engine import ScanPlan, ber, run
from scanning.engine.guard import Guard
from scanning.engine.udp import probe_port

from .servers import dns_answer


def ntp_answer(request: bytes):
    if len(request) != 48 or request[0] & 0x7 != 3:
        return None
    return bytes([0x24, 2]) + bytes(22) + request[40:48] + bytes(16)


def snmp_answer(request: bytes):
    try:
        [(_tag, message)] = ber.items(request)
        _version, (_c, community), (pdu_tag, pdu) = ber.items(message)[:3]
        request_id = ber.items(pdu)[0][1]
    except ValueError:
        return None
    if pdu_tag != 0xA0 or community != b"public":
        return None
    varbind = ber.tlv(0x30, ber.tlv(0x30, ber.oid((1, 3, 6, 1, 2, 1, 1, 1, 0)) + ber.octets("Linux router 5.10.0")))
    response = ber.tlv(0xA2, ber.tlv(0x02, request_id) + ber.integer(0) + ber.integer(0) + varbind)
    return ber.tlv(0x30, ber.integer(1) + ber.octets(community) + response)


def probe(service, timeout=0.3):
    return asyncio.run(probe_port(service.ip, service.port, Guard(), timeout))


def test_dns_responder_is_found_by_the_engine_and_a_closed_udp_port_is_not(udp_service, reporter, loopback_ips):
    [ip] = loopback_ips(1)
    dns = udp_service(dns_answer, ip)
    silent = udp_service(lambda data: None, ip)
    plan = ScanPlan(addresses=[ip], udp_ports=[dns.port, silent.port], alive_test="consider_alive", use_nmap=False, connect_timeout=0.3)
    [host] = run(plan, reporter)
    assert [(p.port, p.protocol, p.service) for p in host.ports] == [(dns.port, "udp", "dns")]
    assert host.ports[0].extra["dns"]["recursion_available"] is True
    assert silent.received >= 1  # it was asked, and its silence did not make it open


def test_ntp_and_snmp_replies(udp_service):
    ntp = probe(udp_service(ntp_answer))
    assert (ntp.service, ntp.extra["ntp"]) == ("ntp", {"version": 4, "stratum": 2})
    snmp = probe(udp_service(snmp_answer))
    assert (snmp.service, snmp.banner) == ("snmp", "Linux router 5.10.0")
    assert snmp.extra["snmp"]["community"] == "public"


def test_invalid_or_mismatched_replies_are_not_open(udp_service):
    assert probe(udp_service(lambda data: b"hello")) is None
    wrong_id = udp_service(lambda data: bytes([data[0] ^ 0xFF]) + dns_answer(data)[1:] if len(data) >= 12 else None)
    assert probe(wrong_id) is None
    assert probe(udp_service(lambda data: bytes([0x24]) + bytes(47) if len(data) == 48 else None)) is None


def test_an_unreachable_port_is_closed_quickly(udp_service):
    service = udp_service(lambda data: None)
    service.close()  # the port now answers ICMP port unreachable
    started = time.monotonic()
    assert probe(service, timeout=2.0) is None
    assert time.monotonic() - started < 1.0

"""DNS checks against real dnsmasq daemons: a forwarder that recurses to a local upstream
dnsmasq (the lab has no Internet: the upstream answers example.test), and a hardened one without
upstreams that only answers its own lab.test names and refuses the rest. version.bind against
dnsmasq (which discloses it) and a server that refuses every query."""

import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rrset
import pytest

from scanning.engine.checks.dns import DnsOpenRecursion, DnsVersionDisclosure
from tests.daemons import Daemon, binary, free_port

from .servicechecks import run_check


def dnsmasq(executable, port, *options):
    argv = [executable, "-k", "--conf-file=/dev/null", "-p", str(port), "--listen-address=127.0.0.1",
            "--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=", *options]
    return Daemon(argv, port)


@pytest.fixture(scope="module")
def dns_servers():
    executable = binary("dnsmasq")
    upstream, recursive, hardened = free_port(), free_port(), free_port()
    with dnsmasq(executable, upstream, "--address=/example.test/192.0.2.1"), \
            dnsmasq(executable, recursive, f"--server=127.0.0.1#{upstream}"), \
            dnsmasq(executable, hardened, "--local=/lab.test/", "--address=/host.lab.test/192.0.2.7"):
        yield {"recursive": recursive, "hardened": hardened, "upstream": upstream}


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_forwarder_answering_foreign_names_is_open_recursion(dns_servers, protocol):
    [finding] = run_check(DnsOpenRecursion, dns_servers["recursive"], "dns", protocol=protocol)
    assert finding.nvt == "CG-8001" and finding.severity == 5.8 and finding.protocol == protocol
    assert finding.detection.startswith("recursive query for example.test A answered NOERROR, flags ")
    assert " RA" in finding.detection
    assert finding.detection.endswith(f": example.test. IN A 192.0.2.1 (forwards to 127.0.0.1#{dns_servers['upstream']}); asked from 127.0.0.2")


def test_open_recursion_evidence_is_the_same_on_every_run(dns_servers):
    """dnsmasq's servers.bind carries query counters, and caches count TTLs down: neither is evidence."""
    first, second = (run_check(DnsOpenRecursion, dns_servers["recursive"], "dns", protocol="udp") for _ in range(2))
    assert first[0].detection == second[0].detection


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_server_without_upstream_refusing_foreign_names_is_not_open(dns_servers, protocol):
    assert run_check(DnsOpenRecursion, dns_servers["hardened"], "dns", protocol=protocol) == []


def test_server_answering_from_its_own_data_is_not_open_recursion(dns_servers):
    """The upstream answers example.test exactly as the forwarder does (dnsmasq passes the AA
    flag on): its empty servers.bind shows it has nobody to recurse to."""
    assert run_check(DnsOpenRecursion, dns_servers["upstream"], "dns", protocol="udp") == []


def test_version_bind_is_a_log_finding_with_the_version(dns_servers):
    [finding] = run_check(DnsVersionDisclosure, dns_servers["hardened"], "dns", protocol="udp")
    assert finding.nvt == "CG-8002" and finding.severity == 0.0 and not finding.pci_fail
    assert finding.detection.startswith("version.bind CH TXT: 'dnsmasq-2.")


def refusing(query: bytes) -> bytes:
    reply = dns.message.make_response(dns.message.from_wire(query))
    reply.set_rcode(dns.rcode.REFUSED)
    return reply.to_wire()


def test_server_refusing_everything_gives_no_dns_finding(udp_service):
    server = udp_service(refusing)
    assert run_check(DnsVersionDisclosure, server.port, "dns", protocol="udp") == []
    assert run_check(DnsOpenRecursion, server.port, "dns", protocol="udp") == []
    assert server.received >= 6


def test_open_resolver_that_is_not_dnsmasq_is_reported_at_once(udp_service):
    """An answer with RA, records and AA clear (as BIND or Unbound give), servers.bind refused."""

    def resolver(query: bytes) -> bytes:
        request = dns.message.from_wire(query)
        reply = dns.message.make_response(request)
        reply.flags |= dns.flags.RA
        question = request.question[0]
        if question.rdclass == dns.rdataclass.IN:
            reply.answer.append(dns.rrset.from_text(question.name, 300, "IN", "A", "93.184.215.14"))
        else:
            reply.set_rcode(dns.rcode.REFUSED)
        return reply.to_wire()

    started = time.monotonic()
    [finding] = run_check(DnsOpenRecursion, udp_service(resolver).port, "dns", protocol="udp")
    assert finding.detection.startswith("recursive query for example.com A answered NOERROR, flags QR RD RA: ")
    assert time.monotonic() - started < 1.5

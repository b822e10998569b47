"""Open recursion (CG-8001) against Debian's BIND 9, forwarding to a local dnsmasq that answers
example.test (no Internet here): recursion for any client (weak) vs recursion for the local host
only (`allow-recursion { localhost; }`, `{ 127.0.0.1; }`), which is not an open resolver.

Seen from 127.0.0.1 the local-only server recurses too (BIND's `localhost` ACL matches it), so for
a loopback target the check asks from 127.0.0.2, as an outside client would."""

import contextlib
import shutil
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import pytest

from scanning.engine.checks.dns import DnsOpenRecursion
from tests.daemons import Daemon, binary, free_port
from tests.lab.bind import OPTIONS

from .servicechecks import run_check, shared_dir
from .test_dns import dnsmasq

RECURSION = "  recursion yes;\n  allow-recursion {{ {acl} }};\n  forward only;\n  forwarders {{ 127.0.0.1 port {upstream}; }};\n"
ACLS = {"any": "any;", "localhost": "localhost;", "loopback_address": "127.0.0.1;"}


@pytest.fixture(scope="module")
def named():
    executable = binary("named")
    root = Path(shared_dir("bind"))
    ports = {}
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, root, True)
        upstream = free_port()
        stack.enter_context(dnsmasq(binary("dnsmasq"), upstream, "--address=/example.test/192.0.2.1"))
        for name, acl in ACLS.items():
            port = free_port()
            conf = root / f"named-{port}.conf"
            conf.write_text(OPTIONS.format(root=root, port=port, policy=RECURSION.format(acl=acl, upstream=upstream)))
            stack.enter_context(Daemon([executable, "-g", "-4", "-u", "bind", "-c", str(conf)], port))
            ports[name] = port
        yield ports


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_recursion_for_any_client_is_reported(named, protocol):
    [finding] = run_check(DnsOpenRecursion, named["any"], "dns", protocol=protocol)
    assert finding.detection == ("recursive query for example.test A answered NOERROR, flags QR RD RA: "
                                 "example.test. IN A 192.0.2.1; asked from 127.0.0.2")


@pytest.mark.parametrize("acl", ["localhost", "loopback_address"])
@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_recursion_for_the_local_host_only_is_not_open(named, acl, protocol):
    assert run_check(DnsOpenRecursion, named[acl], "dns", protocol=protocol) == []


def test_from_127_0_0_1_the_local_only_server_recurses(named):
    """The trust the check steps around is real: asked from the server's own address, it resolves."""
    reply = dns.query.udp(dns.message.make_query("example.test", "A"), "127.0.0.1", port=named["localhost"], timeout=3)
    assert reply.flags & dns.flags.RA and reply.answer

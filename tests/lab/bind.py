"""Debian's BIND 9 for the lab: weak (recursion for anyone, forwarding to a local dnsmasq that
answers example.test: the lab has no Internet) and hardened (authoritative only, recursion no),
over TCP and UDP."""

import shutil
from pathlib import Path

from tests.daemons import Daemon, binary, free_port
from tests.scanning.engine.checks.servicechecks import shared_dir
from tests.scanning.engine.checks.test_dns import dnsmasq

from .ports import HARDENED, WEAK, lab_port

OPTIONS = """options {{
  directory "{root}";
  pid-file "{root}/named-{port}.pid";
  session-keyfile "{root}/session-{port}.key";
  listen-on port {port} {{ 127.0.0.1; }};
  listen-on-v6 {{ none; }};
  dnssec-validation no;
{policy}
}};
"""
OPEN = "  recursion yes;\n  allow-recursion { any; };\n  allow-query-cache { any; };\n  forward only;\n" \
       "  forwarders { 127.0.0.1 port %d; };\n"
CLOSED = "  recursion no;\n"


def _named(stack, root: Path, policy: str) -> int:
    port = free_port()
    conf = root / f"named-{port}.conf"
    conf.write_text(OPTIONS.format(root=root, port=port, policy=policy))
    stack.enter_context(Daemon([binary("named"), "-g", "-4", "-u", "bind", "-c", str(conf)], port))
    return port


def bind(stack, work):
    binary("named")  # skips (fails under CI) when BIND is not installed
    root = Path(shared_dir("bind"))
    stack.callback(shutil.rmtree, root, True)
    upstream = free_port()
    stack.enter_context(dnsmasq(binary("dnsmasq"), upstream, "--address=/example.test/192.0.2.1"))
    weak, hardened = _named(stack, root, OPEN % upstream), _named(stack, root, CLOSED)
    version = {"CG-8002"}  # version.bind: a log finding
    return [lab_port(f"BIND open resolver ({protocol})", "dns", WEAK, weak, protocol, distribution=True,
                     expected={"CG-8001"}, allowed=version) for protocol in ("tcp", "udp")] + \
           [lab_port(f"BIND recursion no ({protocol})", "dns", HARDENED, hardened, protocol, distribution=True,
                     allowed=version) for protocol in ("tcp", "udp")]

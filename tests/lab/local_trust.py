"""What a server grants its own host, scanned from that host (group `local_trust`): BIND that
recurses only for `localhost` (hardened: not an open resolver, although it answers 127.0.0.1;
the check asks from 127.0.0.2) and a MariaDB installed with mariadb-install-db's defaults, root by
unix socket but the anonymous accounts ''@localhost kept (weak: an empty user name logs in
without a password, CG-6006)."""

import shutil
from pathlib import Path

from tests.daemons import Daemon, binary, free_port, mariadb_install
from tests.scanning.engine.checks.servicechecks import shared_dir
from tests.scanning.engine.checks.test_databases import mariadbd
from tests.scanning.engine.checks.test_dns import dnsmasq

from .bind import OPTIONS
from .ports import HARDENED, WEAK, lab_port

LOCALHOST_ONLY = "  recursion yes;\n  allow-recursion { localhost; };\n  forward only;\n  forwarders { 127.0.0.1 port %d; };\n"


def _named_for_localhost(stack) -> int:
    root = Path(shared_dir("bind"))
    stack.callback(shutil.rmtree, root, True)
    upstream, port = free_port(), free_port()
    stack.enter_context(dnsmasq(binary("dnsmasq"), upstream, "--address=/example.test/192.0.2.1"))
    conf = root / f"named-{port}.conf"
    conf.write_text(OPTIONS.format(root=root, port=port, policy=LOCALHOST_ONLY % upstream))
    stack.enter_context(Daemon([binary("named"), "-g", "-4", "-u", "bind", "-c", str(conf)], port))
    return port


def _mariadb_with_anonymous_accounts(stack) -> int:
    root, port = shared_dir(), free_port()
    stack.callback(shutil.rmtree, root, True)
    mariadb_install(f"{root}/anonymous", "--user=root", "--auth-root-authentication-method=socket")
    stack.enter_context(mariadbd(binary("mariadbd"), root, "anonymous", port))
    return port


def local_trust(stack, work):
    named, mariadb = _named_for_localhost(stack), _mariadb_with_anonymous_accounts(stack)
    version = {"CG-8002"}  # version.bind: a log finding
    return [lab_port(f"BIND recursion for localhost only ({protocol})", "dns", HARDENED, named, protocol,
                     distribution=True, allowed=version) for protocol in ("tcp", "udp")] + \
           [lab_port("MariaDB anonymous accounts (install defaults)", "databases", WEAK, mariadb, distribution=True,
                     expected={"CG-6006"})]

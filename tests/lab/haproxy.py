"""Debian's HAProxy for the lab, as a TLS terminator (tests/scanning/engine/checks/haproxy_lab.py):
weak (TLS 1.0+ at security level 0, a self-signed certificate for another name, HSTS max-age=0,
in front of the lab's weak Apache httpd: TRACE, its listing and default page through the proxy)
and hardened (TLS 1.3 only, an ECDSA P-256 certificate from a private CA, every header, plain
HTTP only redirecting)."""

import shutil
from pathlib import Path

from tests.daemons import binary
from tests.scanning.engine.checks import haproxy_lab
from tests.scanning.engine.checks.servicechecks import shared_dir

from .apache import _apache
from .ports import HARDENED, HEADER_LOGS, WEAK, lab_port

THROUGH_THE_PROXY = {"CG-2005", "CG-2006", "CG-2007", "CG-2008"}  # the weak Apache httpd's (apache.py)


def haproxy(stack, work):
    binary("haproxy")
    root = Path(shared_dir())
    stack.callback(shutil.rmtree, root, True)
    weak_daemon, weak = haproxy_lab.start(root, weak=True, backend=_apache(stack, weak=True))
    hardened_daemon, hard = haproxy_lab.start(root, weak=False)
    stack.enter_context(weak_daemon)
    stack.enter_context(hardened_daemon)
    return [
        lab_port("HAProxy weak TLS terminator (Apache behind)", "ssl_tls", WEAK, weak.tls, distribution=True,
                 expected={"CG-1003", "CG-1004", "CG-1009", "CG-1012", "CG-1014", "CG-2001", *THROUGH_THE_PROXY},
                 allowed=HEADER_LOGS),
        lab_port("HAProxy TLS 1.3 only (ECDSA P-256)", "ssl_tls", HARDENED, hard.tls, allowed={"CG-1013"}),
        lab_port("HAProxy HTTP redirecting to HTTPS", "web_servers", HARDENED, hard.http),
    ]

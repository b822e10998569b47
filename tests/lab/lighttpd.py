"""Debian's lighttpd for the lab, set up as Debian ships it (tests/scanning/engine/checks/lighttpd_lab.py):
weak (the Debian placeholder page titled only "Welcome page", dir-listing on with an unlinked
/files/, the default server.tag, TLS 1.0+ with a chain whose intermediate CA expired, and one whose
intermediate is signed with SHA-1) and hardened
(server.tag "", no listing, TLS 1.2+, an ECDSA P-256 certificate from a valid intermediate, every
header). Both TLS chains end at a private root: CG-1013 (low) is true there."""

import shutil
from pathlib import Path

from tests.daemons import binary
from tests.scanning.engine.checks import lighttpd_lab
from tests.scanning.engine.checks.servicechecks import shared_dir

from .ports import HARDENED, HEADER_LOGS, WEAK, lab_port

WEAK_WEB = {"CG-2005", "CG-2007", "CG-2008"}  # lighttpd/1.4.69 in Server, /files/ listed, the placeholder


def lighttpd(stack, work):
    binary("lighttpd")
    root = Path(shared_dir())
    stack.callback(shutil.rmtree, root, True)
    labs = {}
    for variant in (WEAK, HARDENED):
        daemon, labs[variant] = lighttpd_lab.start(root, weak=variant == WEAK)
        stack.enter_context(daemon)
    weak, hard = labs[WEAK], labs[HARDENED]
    return [
        lab_port("lighttpd weak HTTP", "web_servers", WEAK, weak.http, distribution=True, expected=WEAK_WEB,
                 allowed=HEADER_LOGS),
        lab_port("lighttpd weak TLS (expired intermediate)", "ssl_tls", WEAK, weak.tls, distribution=True,
                 expected={"CG-1003", "CG-1004", "CG-1010", "CG-2001", *WEAK_WEB}, allowed={*HEADER_LOGS, "CG-1013"}),
        lab_port("lighttpd weak TLS (SHA-1 intermediate)", "ssl_tls", WEAK, weak.sha1_chain, distribution=True,
                 expected={"CG-1003", "CG-1004", "CG-1016", "CG-2001", *WEAK_WEB}, allowed={*HEADER_LOGS, "CG-1013"}),
        lab_port("lighttpd hardened HTTP", "web_servers", HARDENED, hard.http, distribution=True),
        lab_port("lighttpd hardened TLS (ECDSA P-256)", "ssl_tls", HARDENED, hard.tls, distribution=True,
                 allowed={"CG-1013"}),
    ]

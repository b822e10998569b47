"""Debian's Caddy for the lab (tests/scanning/engine/checks/caddy_lab.py): weak (the "Caddy works!"
page, file_server browse with an unlinked /files/, a listing titled only "files") and hardened (no
browse, every header, no Server header, HTTPS with a private CA's certificate, TLS 1.2+ by default,
served without SNI through default_sni)."""

import shutil
from pathlib import Path

from tests.daemons import binary
from tests.scanning.engine.checks import caddy_lab
from tests.scanning.engine.checks.servicechecks import shared_dir

from .ports import HARDENED, HEADER_LOGS, WEAK, lab_port


def caddy(stack, work):
    binary("caddy")
    root = Path(shared_dir())
    stack.callback(shutil.rmtree, root, True)
    weak_daemon, weak = caddy_lab.start(root, weak=True)
    hardened_daemon, hard = caddy_lab.start(root, weak=False)
    stack.enter_context(weak_daemon)
    stack.enter_context(hardened_daemon)
    return [lab_port("Caddy welcome page + browse", "web_servers", WEAK, weak.http, expected={"CG-2007", "CG-2008"},
                     allowed=HEADER_LOGS),
            lab_port("Caddy hardened HTTP", "web_servers", HARDENED, hard.http),
            lab_port("Caddy hardened HTTPS", "ssl_tls", HARDENED, hard.tls, allowed={"CG-1013"})]

"""Debian's Apache httpd for the lab: weak (TRACE left at its default, the Debian default page,
Options +Indexes with an unlinked /files/ directory, ServerTokens Full) and hardened (TraceEnable
Off, ServerTokens Prod, -Indexes, hardening headers, a page of its own)."""

import os
import shutil
from pathlib import Path

from tests.apache_conf import apache_conf
from tests.daemons import Daemon, binary, free_port
from tests.scanning.engine.checks.servicechecks import shared_dir

from .ports import HARDENED, HEADER_LOGS, WEAK, lab_port

DEBIAN_PAGE = "/var/www/html/index.html"  # "Apache2 Debian Default Page: It works", from the apache2 package
WEAK_EXTRA = "ServerTokens Full\n"  # TraceEnable is On unless a configuration says otherwise
HARDENED_EXTRA = """ServerTokens Prod
ServerSignature Off
TraceEnable Off
Header always set X-Content-Type-Options nosniff
Header always set X-Frame-Options DENY
Header always set Content-Security-Policy "default-src 'self'"
"""


def _apache(stack, weak: bool) -> int:
    root = Path(shared_dir("www-data"))
    stack.callback(shutil.rmtree, root, True)
    www = root / "www"
    www.mkdir()
    if weak:
        shutil.copy(DEBIAN_PAGE, www / "index.html")
        (www / "files").mkdir()
        (www / "files" / "db-backup.sql").write_text("-- dump\n")
    else:
        (www / "index.html").write_text("<!DOCTYPE html><html><head><title>Shop</title></head><body>Shop</body></html>")
    port = free_port()
    conf = root / "apache2.conf"
    conf.write_text(apache_conf(root, port, indexes="+Indexes" if weak else "-Indexes",
                                extra=WEAK_EXTRA if weak else HARDENED_EXTRA))
    for path in (www, *www.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    stack.enter_context(Daemon([binary("apache2"), "-f", str(conf), "-DFOREGROUND"], port))
    return port


def apache(stack, work):
    binary("apache2")
    return [lab_port("Apache httpd weak", "web_servers", WEAK, _apache(stack, weak=True), distribution=True,
                     expected={"CG-2005", "CG-2006", "CG-2007", "CG-2008"}, allowed=HEADER_LOGS),
            lab_port("Apache httpd hardened", "web_servers", HARDENED, _apache(stack, weak=False), distribution=True,
                     allowed=HEADER_LOGS)]

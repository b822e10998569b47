"""Real Caddy (Debian's 2.6) for the check tests: weak (Debian's "Caddy works!" page, file_server
browse with an unlinked /files/, whose listing is titled only "files") and hardened (no browse,
a page of its own, every header and no Server header, an HTTPS site with a test CA's certificate,
served to clients without SNI through default_sni, and a site for one host name only)."""

import os
from dataclasses import dataclass

from tests.daemons import Daemon, binary, free_port

from .certs import make_ca, make_cert

DEBIAN_PAGE = "/usr/share/caddy/index.html"
PAGE = "<!DOCTYPE html><html><head><title>Shop</title></head><body>Shop</body></html>"
GLOBAL = """{{
  admin off
  auto_https off
  default_sni localhost
  storage file_system {d}/storage
}}
"""
WEAK = """:{http} {{
  bind 127.0.0.1
  root * {d}/www
  file_server browse
}}
"""
HEADERS = """  header {{
    Strict-Transport-Security "max-age=31536000; includeSubDomains"
    X-Content-Type-Options nosniff
    X-Frame-Options DENY
    Content-Security-Policy "default-src 'self'"
    -Server
  }}"""
HARDENED = """:{http} {{
  bind 127.0.0.1
  root * {d}/www
  file_server
{headers}
}}
http://shop.example.test:{named} {{
  bind 127.0.0.1
  root * {d}/www
  file_server
{headers}
}}
https://:{tls} {{
  bind 127.0.0.1
  tls {d}/site.crt {d}/site.key
  root * {d}/www
  file_server
{headers}
}}
"""


@dataclass
class Caddy:
    http: int
    tls: int = 0  # hardened only
    ca_file: str = ""
    named: int = 0  # hardened: a site for shop.example.test only (any other Host gets an empty 200)


def start(tmp_path, weak: bool) -> tuple[Daemon, Caddy]:
    d = tmp_path / ("caddy-weak" if weak else "caddy-hardened")
    (d / "www" / "files").mkdir(parents=True)
    (d / "www" / "index.html").write_text(open(DEBIAN_PAGE).read() if weak else PAGE)
    (d / "www" / "files" / "db-backup.sql").write_text("-- dump\n")
    lab = Caddy(free_port())
    if weak:
        site = WEAK.format(d=d, http=lab.http)
    else:
        ca = make_ca()
        ca.write(d, "ca")
        make_cert(issuer=ca).write(d, "site")
        lab.tls, lab.ca_file, lab.named = free_port(), str(d / "ca.crt"), free_port()
        site = HARDENED.format(d=d, http=lab.http, tls=lab.tls, named=lab.named, headers=HEADERS.format())
    for path in (d, *d.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    conf = d / "Caddyfile"
    conf.write_text(GLOBAL.format(d=d) + site)
    env = {"HOME": str(d), "XDG_DATA_HOME": str(d / "data"), "XDG_CONFIG_HOME": str(d / "config"), "PATH": "/usr/bin:/bin"}
    return Daemon([binary("caddy"), "run", "--config", str(conf), "--adapter", "caddyfile"], lab.tls or lab.http, env=env), lab

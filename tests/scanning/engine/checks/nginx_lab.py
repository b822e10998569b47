"""Real nginx for the check tests: a weak one (TLS 1.0/1.1, ALL:eNULL ciphers at security level 0,
a self-signed, expired, 1024-bit certificate for another name, autoindex, server_tokens, no
hardening headers; a plain HTTP port with nginx's welcome page; a TLS port with a not yet valid
certificate; one with a SHA-1 signed certificate, made by the openssl command because
`cryptography` no longer signs with SHA-1) and a hardened one (TLS 1.2+ only, a 2048-bit SHA-256 certificate from a test
CA for localhost and 127.0.0.1, every header, server_tokens off, plain HTTP only redirecting)."""

import os
import shutil
import subprocess
from dataclasses import dataclass

from tests.daemons import Daemon, binary, free_port

from .certs import DAY, NOW, make_ca, make_cert

WELCOME = "/usr/share/nginx/html/index.html"

BASE = """{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  default_type text/html;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
{servers}
}}
"""

WEAK = """
  server_tokens on;
  server {{
    listen 127.0.0.1:{tls} ssl;
    ssl_certificate {weak_crt}; ssl_certificate_key {weak_key};
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ssl_ciphers ALL:eNULL:@SECLEVEL=0;
    root {d}/files; autoindex on;
  }}
  server {{
    listen 127.0.0.1:{http};
    root {d}/welcome; index index.html;
  }}
  server {{
    listen 127.0.0.1:{future} ssl;
    ssl_certificate {future_crt}; ssl_certificate_key {future_key};
    root {d}/welcome; index index.html;
  }}
  server {{
    listen 127.0.0.1:{sha1} ssl;
    ssl_certificate {d}/sha1.crt; ssl_certificate_key {d}/sha1.key;
    ssl_ciphers ALL:@SECLEVEL=0;
    root {d}/welcome; index index.html;
  }}
"""

HARDENED = """
  server_tokens off;
  server {{
    listen 127.0.0.1:{tls} ssl;
    ssl_certificate {good_crt}; ssl_certificate_key {good_key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
    root {d}/site; index index.html;
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
  }}
  server {{
    listen 127.0.0.1:{http};
    return 301 https://localhost:{tls}$request_uri;
  }}
"""


@dataclass
class Lab:
    tls: int
    http: int
    future: int = 0
    sha1: int = 0
    ca_file: str = ""


def _write_site(directory, name: str, html: str) -> None:
    (directory / name).mkdir()
    (directory / name / "index.html").write_text(html)


def start(tmp_path, weak: bool) -> tuple[Daemon, Lab]:
    nginx = binary("nginx")
    d = tmp_path / ("weak" if weak else "hardened")
    d.mkdir()
    ports = {"tls": free_port(), "http": free_port(), "future": free_port(), "sha1": free_port()}
    if weak:
        (d / "files").mkdir()
        (d / "files" / "backup.sql").write_text("-- dump\n")
        _write_site(d, "welcome", open(WELCOME).read())
        weak_crt, weak_key = make_cert("weak.example.test", dns=(), ips=(), key_bits=1024,
                                       not_before=NOW - 400 * DAY, not_after=NOW - 30 * DAY).write(d, "weak")
        sha1_certificate(d / "sha1.crt", d / "sha1.key")
        future_crt, future_key = make_cert(not_before=NOW + 30 * DAY, not_after=NOW + 400 * DAY).write(d, "future")
        servers = WEAK.format(d=d, weak_crt=weak_crt, weak_key=weak_key, future_crt=future_crt, future_key=future_key, **ports)
        lab = Lab(ports["tls"], ports["http"], ports["future"], ports["sha1"])
    else:
        ca = make_ca()
        ca.write(d, "ca")
        good_crt, good_key = make_cert(issuer=ca).write(d, "good")
        _write_site(d, "site", "<!DOCTYPE html><html><head><title>Orders</title></head><body>Shop</body></html>")
        servers = HARDENED.format(d=d, good_crt=good_crt, good_key=good_key, **ports)
        lab = Lab(ports["tls"], ports["http"], ca_file=str(d / "ca.crt"))
    conf = d / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # else workers run as nobody and cannot read tmp_path
    conf.write_text(BASE.format(user=user, d=d, servers=servers))
    return Daemon([nginx, "-c", str(conf), "-g", "daemon off;"], ports["tls"]), lab


def sha1_certificate(cert_path, key_path) -> None:
    openssl = shutil.which("openssl")
    subprocess.run(
        [openssl, "req", "-x509", "-sha1", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key_path), "-out", str(cert_path),
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "30"],
        check=True, capture_output=True,
    )


LISTINGS = """
  server {{
    listen 127.0.0.1:{port};
    root {d}/site; index index.html;
    location {listed} {{ autoindex on; }}
  }}
"""


def start_listing(tmp_path, listed: str, linked: bool) -> tuple[Daemon, int]:
    """nginx serving a page at / and an automatic index of `listed` (a directory with a file in it),
    linked from the page or not."""
    d = tmp_path / f"listing{listed.replace('/', '-')}{'linked' if linked else ''}"
    (d / "site" / listed.strip("/")).mkdir(parents=True)
    (d / "site" / listed.strip("/") / "customers.csv").write_text("id,name\n")
    link = f'<a href="{listed.lstrip("/")}">documents</a>' if linked else ""
    (d / "site" / "index.html").write_text(f"<!DOCTYPE html><html><head><title>Shop</title></head><body>{link}</body></html>")
    port = free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = d / "nginx.conf"
    conf.write_text(BASE.format(user=user, d=d, servers=LISTINGS.format(port=port, d=d, listed=listed)))
    return Daemon([binary("nginx"), "-c", str(conf), "-g", "daemon off;"], port), port


HTTPS_SITE = """
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {d}/site.crt; ssl_certificate_key {d}/site.key;
    root {d}/site; index index.html;
    {directives}
  }}
"""


def start_https_sites(tmp_path, sites: dict) -> tuple[Daemon, dict]:
    """One nginx with an HTTPS server (a test CA's certificate, a page of its own) per entry of
    `sites` (name: the server's extra directives); the ports by name."""
    d = tmp_path / "https-sites"
    d.mkdir()
    make_cert(issuer=make_ca()).write(d, "site")
    _write_site(d, "site", "<!DOCTYPE html><html><head><title>Orders</title></head><body>Shop</body></html>")
    ports = {name: free_port() for name in sites}
    servers = "".join(HTTPS_SITE.format(port=ports[name], d=d, directives=directives) for name, directives in sites.items())
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = d / "nginx.conf"
    conf.write_text(BASE.format(user=user, d=d, servers=servers))
    return Daemon([binary("nginx"), "-c", str(conf), "-g", "daemon off;"], ports[next(iter(sites))]), ports

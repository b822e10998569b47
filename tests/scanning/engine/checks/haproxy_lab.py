"""Real HAProxy (Debian's 2.6) as a TLS terminator, for the check tests: weak (TLS 1.0 and up at
security level 0, a self-signed certificate for another name, HSTS max-age=0, every request,
TRACE included, passed on to a web server given as `backend`) and hardened (TLS 1.3 only, an
ECDSA P-256 certificate from a test CA, the page and every header answered by HAProxy itself,
plain HTTP only redirecting to HTTPS)."""

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from tests.daemons import Daemon, binary, free_port

from .certs import make_ca, make_cert

DEFAULTS = """global
  maxconn 256
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
"""
WEAK = """frontend tls
  bind 127.0.0.1:{tls} ssl crt {pem} ssl-min-ver TLSv1.0 ciphers ALL:@SECLEVEL=0
  http-after-response set-header Strict-Transport-Security "max-age=0"
  default_backend web
backend web
  server web 127.0.0.1:{backend}
"""
HARDENED = """frontend tls
  bind 127.0.0.1:{tls} ssl crt {pem} ssl-min-ver TLSv1.3
  http-after-response set-header Strict-Transport-Security "max-age=63072000; includeSubDomains"
  http-after-response set-header X-Content-Type-Options nosniff
  http-after-response set-header X-Frame-Options DENY
  http-after-response set-header Content-Security-Policy "default-src 'self'"
  http-request return status 200 content-type text/html string "<!DOCTYPE html><html><head><title>Shop</title></head><body>Shop</body></html>"
frontend http
  bind 127.0.0.1:{http}
  http-request redirect scheme https code 301
"""


@dataclass
class Haproxy:
    tls: int
    http: int = 0  # hardened: the plain HTTP port that only redirects
    ca_file: str = ""  # hardened: the test CA (for SSL_CERT_FILE)


def start(directory: Path, weak: bool, backend: int = 0) -> tuple[Daemon, Haproxy]:
    d = directory / ("haproxy-weak" if weak else "haproxy-hardened")
    d.mkdir()
    if weak:
        issued = make_cert("www.example.test", dns=("www.example.test",), ips=())
    else:
        ca = make_ca()
        ca.write(d, "ca")
        issued = make_cert(issuer=ca, curve=ec.SECP256R1())
    cert, key = issued.write(d, "server")
    pem = d / "server.pem"  # HAProxy reads the certificate and its key from one file
    pem.write_text(Path(cert).read_text() + Path(key).read_text())
    lab = Haproxy(free_port()) if weak else Haproxy(free_port(), free_port(), str(d / "ca.crt"))
    conf = d / "haproxy.cfg"
    conf.write_text(DEFAULTS + (WEAK if weak else HARDENED).format(tls=lab.tls, http=lab.http, pem=pem, backend=backend))
    return Daemon([binary("haproxy"), "-db", "-f", str(conf)], lab.tls), lab

"""Real lighttpd (Debian's 1.4) for the check tests, set up the way Debian ships it rather than the
way our nginx lab is: one daemon per variant, a plain HTTP port and a TLS port
($SERVER["socket"]), and a certificate chain through an intermediate CA.

- weak: Debian's placeholder page ("Welcome page", /usr/share/lighttpd/index.html), dir-listing
  on (an unlinked /files/), the default server.tag (lighttpd/1.4.x), TLS 1.0 and up at security
  level 0, a chain whose intermediate CA has expired; a second TLS port whose chain has a valid
  intermediate CA signed with SHA-1, a third whose chain ends with an expired cross-signature of
  the root (harmless for a client that trusts the root);
- hardened: a page of its own, dir-listing left off (the default), server.tag "", TLS 1.2 and
  up, an ECDSA P-256 certificate (not a short key) from a valid intermediate, every hardening
  header; the chain it sends also holds an expired CA certificate that no path uses. (A SHA-1
  signed one cannot be sent there: at OpenSSL's default security level lighttpd then sends no
  chain at all.)"""

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from tests.daemons import Daemon, binary, free_port

from .certs import DAY, NOW, cross_sign, make_ca, make_cert, sha1_intermediate

PLACEHOLDER = "/usr/share/lighttpd/index.html"
PAGE = "<!DOCTYPE html><html><head><title>Shop</title></head><body>Shop</body></html>"

BASE = """server.document-root = "{d}/www"
server.bind = "127.0.0.1"
server.port = {http}
server.pid-file = "{d}/lighttpd.pid"
server.errorlog = "{d}/error.log"
server.modules = ("mod_access", "mod_setenv", "mod_dirlisting", "mod_openssl")
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html", ".sql" => "text/plain")
"""
TLS_SOCKET = """$SERVER["socket"] == "127.0.0.1:{port}" {{
  ssl.engine = "enable"
  ssl.pemfile = "{d}/{stem}.crt"
  ssl.privkey = "{d}/{stem}.key"
  ssl.openssl.ssl-conf-cmd = ({tls_settings})
}}
"""
WEAK = """dir-listing.activate = "enable"
"""
HARDENED = """server.tag = ""
setenv.add-response-header = (
  "Strict-Transport-Security" => "max-age=63072000; includeSubDomains",
  "X-Content-Type-Options" => "nosniff",
  "X-Frame-Options" => "DENY",
  "Content-Security-Policy" => "default-src 'self'"
)
"""
TLS_SETTINGS = {True: '"MinProtocol" => "TLSv1", "CipherString" => "ALL:@SECLEVEL=0"', False: '"MinProtocol" => "TLSv1.2"'}


@dataclass
class Lighttpd:
    http: int
    tls: int
    ca_file: str  # the root CA of the TLS ports' chains (for SSL_CERT_FILE)
    sha1_chain: int = 0  # weak: a TLS port whose (valid) intermediate CA is signed with SHA-1
    cross_chain: int = 0  # weak: a TLS port whose chain ends with the root cross-signed by an expired CA


def start(tmp_path, weak: bool) -> tuple[Daemon, Lighttpd]:
    d = tmp_path / ("lighttpd-weak" if weak else "lighttpd-hardened")
    (d / "www" / "files").mkdir(parents=True)
    (d / "www" / "index.html").write_text(open(PLACEHOLDER).read() if weak else PAGE)
    (d / "www" / "files" / "db-backup.sql").write_text("-- dump\n")
    root = make_ca()
    root.write(d, "ca")
    expired = {"not_before": NOW - 400 * DAY, "not_after": NOW - 10 * DAY}
    intermediate = make_ca("CG Test Intermediate CA", issuer=root)
    ports = {"http": free_port(), "tls": free_port()}
    if weak:
        lapsed = make_ca("CG Test Intermediate CA", issuer=root, **expired)
        make_cert(issuer=lapsed, curve=ec.SECP256R1()).write(d, "tls", chain=[lapsed])
        sha1 = sha1_intermediate(root, d)
        make_cert(issuer=sha1).write(d, "sha1_chain", chain=[sha1])
        # the root cross-signed by an older CA, expired (as public chains long kept AddTrust's): a
        # client that trusts the root itself never uses it
        old_cross = cross_sign(root, make_ca("CG Test Old Root CA"), **expired)
        make_cert(issuer=intermediate).write(d, "cross_chain", chain=[intermediate, old_cross])
        ports.update(sha1_chain=free_port(), cross_chain=free_port())
    else:  # a left-over no path uses: an expired CA that issued nothing here
        retired = make_ca("CG Test Retired CA", issuer=root, **expired)
        make_cert(issuer=intermediate, curve=ec.SECP256R1()).write(d, "tls", chain=[intermediate, retired])
    for path in (d, *d.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    sockets = "".join(TLS_SOCKET.format(port=ports[stem], d=d, stem=stem, tls_settings=TLS_SETTINGS[weak])
                      for stem in ports if stem != "http")
    conf = d / "lighttpd.conf"
    conf.write_text(BASE.format(d=d, http=ports["http"]) + sockets + (WEAK if weak else HARDENED))
    daemon = Daemon([binary("lighttpd"), "-D", "-f", str(conf)], ports["tls"])
    return daemon, Lighttpd(ca_file=str(d / "ca.crt"), **ports)

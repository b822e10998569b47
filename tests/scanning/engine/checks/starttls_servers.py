"""Real Debian daemons that offer TLS only through STARTTLS, each weak and hardened, for the
STARTTLS tests and the lab: Exim (GnuTLS: SMTP STARTTLS), vsftpd (OpenSSL: FTP AUTH TLS) and
Dovecot (OpenSSL: IMAP STARTTLS, POP3 STLS).

Weak: TLS 1.0 and 1.1 allowed, and an expired self-signed certificate made for another host
(weak.example.test; scanned by address, it is judged against 127.0.0.1's reverse name, localhost),
with a 1024-bit key (not for vsftpd: it refuses to load one).
Hardened: TLS 1.2 and 1.3 only, a certificate for localhost/127.0.0.1 signed by a test CA (not in
the scanner's trust store: CG-1013, low, is its only finding)."""

import contextlib
import shutil
from pathlib import Path

from tests.daemons import Daemon, all_listening, binary, free_port
from tests.dovecot_conf import dovecot_conf

from .certs import DAY, NOW, make_ca, make_cert
from .servicechecks import shared_dir
from .test_ftp import COMMON as FTP_COMMON
from .test_mail import EXIM_COMMON

WEAK, HARDENED = "weak", "hardened"
WEAK_CERT_FAULTS = {"CG-1010", "CG-1012", "CG-1014"}  # expired, self-signed, another host's
SHORT_KEY = {"CG-1015"}  # the weak certificate's 1024-bit key (Exim, Dovecot)
LEGACY_PROTOCOLS = {"CG-1003", "CG-1004"}  # TLS 1.0, TLS 1.1
UNTRUSTED_CA = {"CG-1013"}

EXIM_TLS = {
    WEAK: "tls_require_ciphers = NORMAL:+VERS-TLS1.1:+VERS-TLS1.0\n",
    HARDENED: "tls_require_ciphers = NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2\n",
}
EXIM_ACL = """begin acl
acl_check_rcpt:
  accept domains = +local_domains
  deny message = relay not permitted
"""
VSFTPD_TLS = {
    WEAK: "ssl_tlsv1=YES\nssl_ciphers=ALL:@SECLEVEL=0\n",
    HARDENED: "ssl_tlsv1=NO\nssl_ciphers=ECDHE+AESGCM:ECDHE+CHACHA20\n",
}
VSFTPD_COMMON = "anonymous_enable=NO\nlocal_enable=YES\nssl_enable=YES\nrsa_cert_file={cert}\nrsa_private_key_file={key}\n"
DOVECOT_TLS = {
    WEAK: "ssl_min_protocol = TLSv1\nssl_cipher_list = ALL:@SECLEVEL=0\n",
    HARDENED: "ssl_min_protocol = TLSv1.2\n",
}
DOVECOT_CERTS = "ssl = yes\nssl_dh = </usr/share/dovecot/dh.pem\nssl_cert = <{cert}\nssl_key = <{key}\n"
TEST_CA = make_ca("CG STARTTLS Test CA")  # issues every hardened certificate; trust_test_ca() adds it


def trust_test_ca(directory, monkeypatch) -> None:
    """The test CA in the scanner's trust store (OpenSSL reads SSL_CERT_FILE), as an operator adds their own CA."""
    cert, _key = TEST_CA.write(Path(directory), "starttls-ca")
    monkeypatch.setenv("SSL_CERT_FILE", cert)


def certificates(root, short_key: bool = True) -> dict:
    """{variant: (cert path, key path)}, the files readable by the daemons' own users."""
    weak = make_cert("weak.example.test", dns=("weak.example.test",), ips=(), key_bits=1024 if short_key else 2048,
                     not_before=NOW - 60 * DAY, not_after=NOW - DAY)
    hardened = make_cert(issuer=TEST_CA)
    return {WEAK: weak.write(Path(root), "weak"), HARDENED: hardened.write(Path(root), "hardened")}


def _scratch(stack, owner=None) -> str:
    path = shared_dir(owner)
    stack.callback(shutil.rmtree, path, True)
    return path


def exim(stack) -> dict:
    """{variant: SMTP port}."""
    executable = binary("exim4")
    root = _scratch(stack, "Debian-exim")
    certs, ports = certificates(root), {}
    for variant, (cert, key) in certs.items():
        ports[variant] = free_port()
        conf = Path(root, f"{variant}.conf")
        tls = f"tls_advertise_hosts = *\ntls_certificate = {cert}\ntls_privatekey = {key}\n" + EXIM_TLS[variant]
        conf.write_text(EXIM_COMMON.format(root=root, name=variant) + tls + EXIM_ACL)
        stack.enter_context(Daemon([executable, "-C", str(conf), "-bdf", "-oX", str(ports[variant])], ports[variant]))
    return ports


def vsftpd(stack) -> dict:
    """{variant: FTP port}."""
    executable = binary("vsftpd")
    root = _scratch(stack)
    for folder in ("empty", "pub"):
        Path(root, folder).mkdir(mode=0o755)
    certs, ports = certificates(root, short_key=False), {}
    for variant, (cert, key) in certs.items():
        ports[variant] = free_port()
        conf = Path(root, f"{variant}.conf")
        conf.write_text(FTP_COMMON.format(port=ports[variant], root=root) + VSFTPD_COMMON.format(cert=cert, key=key)
                        + VSFTPD_TLS[variant])
        stack.enter_context(Daemon([executable, str(conf)], ports[variant]))
    return ports




def dovecot(stack) -> dict:
    """{variant: {"imap": port, "pop3": port}}."""
    executable = binary("dovecot")
    found = {}
    for variant in (WEAK, HARDENED):
        root = _scratch(stack)
        cert, key = certificates(root)[variant]
        ports = {"imap": free_port(), "pop3": free_port()}
        conf = Path(root, "dovecot.conf")
        conf.write_text(dovecot_conf(root, tls=DOVECOT_TLS[variant] + DOVECOT_CERTS.format(cert=cert, key=key), **ports))
        stack.enter_context(Daemon([executable, "-F", "-c", str(conf)], ready=all_listening(ports.values())))
        found[variant] = ports
    return found


@contextlib.contextmanager
def started(starter):
    """`with started(exim) as ports:` the daemons of one starter, stopped on exit."""
    with contextlib.ExitStack() as stack:
        yield starter(stack)

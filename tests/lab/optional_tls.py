"""TLS offered but not required for passwords (group `optional_tls`): Exim with STARTTLS that
still advertises AUTH PLAIN before it (no server_advertise_condition), and Dovecot with `ssl =
yes` but `disable_plaintext_auth = no` (POP3 USER and IMAP LOGIN in clear text, STLS/STARTTLS
offered). Both are weak (CG-5002, as Greenbone's "Unencrypted Cleartext Login" checks). Their TLS
is the hardened one (a test CA's certificate, TLS 1.2+), so nothing else is planted."""

import shutil
from pathlib import Path

from tests.daemons import Daemon, all_listening, binary, free_port
from tests.dovecot_conf import dovecot_conf
from tests.scanning.engine.checks.certs import make_cert
from tests.scanning.engine.checks.servicechecks import shared_dir
from tests.scanning.engine.checks.starttls_servers import EXIM_TLS, HARDENED, TEST_CA, UNTRUSTED_CA
from tests.scanning.engine.checks.test_mail import EXIM_COMMON, EXIM_PROFILES

from .ports import WEAK, lab_port

DOVECOT_OPTIONAL = "ssl = yes\nssl_min_protocol = TLSv1.2\ndisable_plaintext_auth = no\nssl_cert = <{cert}\nssl_key = <{key}\n"


def _scratch(stack, owner=None) -> Path:
    root = Path(shared_dir(owner))
    stack.callback(shutil.rmtree, root, True)
    return root


def _exim(stack) -> int:
    root, port = _scratch(stack, "Debian-exim"), free_port()
    cert, key = make_cert(issuer=TEST_CA).write(root, "exim")
    shutil.chown(cert, "Debian-exim")
    shutil.chown(key, "Debian-exim")
    conf = root / "auth_before_starttls.conf"
    conf.write_text(EXIM_COMMON.format(root=root, name="optional") + f"tls_certificate = {cert}\ntls_privatekey = {key}\n"
                    + EXIM_TLS[HARDENED] + EXIM_PROFILES["auth_before_starttls"])
    stack.enter_context(Daemon([binary("exim4"), "-C", str(conf), "-bdf", "-oX", str(port)], port))
    return port


def _dovecot(stack) -> dict:
    root = _scratch(stack)
    cert, key = make_cert(issuer=TEST_CA).write(root, "mail")
    ports = {"pop3": free_port(), "imap": free_port()}
    (root / "dovecot.conf").write_text(dovecot_conf(root, tls=DOVECOT_OPTIONAL.format(cert=cert, key=key), **ports))
    stack.enter_context(Daemon([binary("dovecot"), "-F", "-c", str(root / "dovecot.conf")],
                               ready=all_listening(list(ports.values()))))
    return ports


def optional_tls(stack, work):
    exim, dovecot = _exim(stack), _dovecot(stack)
    return [lab_port("Exim AUTH PLAIN before an optional STARTTLS", "mail", WEAK, exim, distribution=True,
                     expected={"CG-5002"}, allowed=UNTRUSTED_CA),
            lab_port("Dovecot POP3 USER before an optional STLS", "mail", WEAK, dovecot["pop3"], expected={"CG-5002"},
                     allowed=UNTRUSTED_CA),
            lab_port("Dovecot IMAP LOGIN before an optional STARTTLS", "mail", WEAK, dovecot["imap"], expected={"CG-5002"},
                     allowed=UNTRUSTED_CA)]

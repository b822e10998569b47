"""Debian's Dovecot for the lab: weak (no TLS, plaintext authentication allowed: POP3 USER and
IMAP LOGIN in clear) and hardened (Debian's default disable_plaintext_auth, STARTTLS/STLS and
the implicit-TLS ports with a test CA's certificate for localhost)."""

import shutil
from pathlib import Path

from tests.daemons import Daemon, all_listening, binary, free_port
from tests.dovecot_conf import dovecot_conf
from tests.scanning.engine.checks.certs import make_ca, make_cert
from tests.scanning.engine.checks.servicechecks import shared_dir

from .ports import HARDENED, WEAK, lab_port

WEAK_TLS = "ssl = no\ndisable_plaintext_auth = no\n"
HARDENED_TLS = "ssl = required\nssl_cert = <{cert}\nssl_key = <{key}\n"




def _dovecot(stack, weak: bool) -> dict:
    root = Path(shared_dir())
    stack.callback(shutil.rmtree, root, True)
    ports = {name: free_port() for name in ("pop3", "imap", "pop3s", "imaps")}
    tls = WEAK_TLS
    if not weak:
        cert, key = make_cert(issuer=make_ca()).write(root, "mail")
        tls = HARDENED_TLS.format(cert=cert, key=key)
    conf = root / "dovecot.conf"
    conf.write_text(dovecot_conf(root, tls=tls, **ports))
    listening = [ports["pop3"], ports["imap"]] if weak else list(ports.values())
    stack.enter_context(Daemon([binary("dovecot"), "-F", "-c", str(conf)], ready=all_listening(listening)))
    return ports


def dovecot(stack, work):
    binary("dovecot")
    weak, hardened = _dovecot(stack, weak=True), _dovecot(stack, weak=False)
    untrusted = {"CG-1013"}  # the test CA is not in the scanner's trust store: low
    return [lab_port("Dovecot POP3 in clear", "mail", WEAK, weak["pop3"], expected={"CG-5002"}),
            lab_port("Dovecot IMAP in clear", "mail", WEAK, weak["imap"], expected={"CG-5002"}),
            lab_port("Dovecot POP3 STLS required", "mail", HARDENED, hardened["pop3"], allowed=untrusted),
            lab_port("Dovecot IMAP STARTTLS required", "mail", HARDENED, hardened["imap"], allowed=untrusted),
            lab_port("Dovecot POP3S", "ssl_tls", HARDENED, hardened["pop3s"], allowed=untrusted),
            lab_port("Dovecot IMAPS", "ssl_tls", HARDENED, hardened["imaps"], allowed=untrusted)]

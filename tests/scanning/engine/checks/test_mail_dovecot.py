"""Cleartext authentication (CG-5002) against Debian's Dovecot, POP3 and IMAP: STARTTLS offered
but plaintext logins still allowed (weak), Debian's default `disable_plaintext_auth = yes`,
`ssl = required`, and no TLS at all with plaintext disabled (nobody can log in: not weak).

Dovecot counts a connection whose two ends share an address as secured and allows plaintext
logins on it whatever the configuration says, so from 127.0.0.1 every variant looks weak; the
check comes from 127.0.0.2, as an outside client would."""

import contextlib
import shutil
import socket
from pathlib import Path

import pytest

from scanning.engine.checks.mail import CleartextMailAuthentication
from tests.daemons import Daemon, all_listening, binary, free_port
from tests.dovecot_conf import dovecot_conf

from .certs import make_cert
from .servicechecks import run_check, shared_dir
from .starttls_servers import TEST_CA

CERTS = "ssl_cert = <{cert}\nssl_key = <{key}\n"
VARIANTS = {
    "starttls_optional": "ssl = yes\ndisable_plaintext_auth = no\n" + CERTS,
    "debian_default": "ssl = yes\ndisable_plaintext_auth = yes\n" + CERTS,
    "ssl_required": "ssl = required\n" + CERTS,
    "no_tls_plaintext_disabled": "ssl = no\ndisable_plaintext_auth = yes\n",
}


@pytest.fixture(scope="module")
def dovecot():
    executable = binary("dovecot")
    found = {}
    with contextlib.ExitStack() as stack:
        for name, tls in VARIANTS.items():
            root = Path(shared_dir())
            stack.callback(shutil.rmtree, root, True)
            cert, key = make_cert(issuer=TEST_CA).write(root, "mail")
            ports = {"pop3": free_port(), "imap": free_port()}
            (root / "dovecot.conf").write_text(dovecot_conf(root, tls=tls.format(cert=cert, key=key), **ports))
            stack.enter_context(Daemon([executable, "-F", "-c", str(root / "dovecot.conf")],
                                       ready=all_listening(list(ports.values()))))
            found[name] = ports
        yield found


def test_pop3_stls_offered_but_user_allowed_is_reported(dovecot):
    [finding] = run_check(CleartextMailAuthentication, dovecot["starttls_optional"]["pop3"], "pop3")
    assert finding.detection == ("CAPA before STLS (offered, not required for USER/SASL PLAIN): CAPA | TOP | UIDL | "
                                 "RESP-CODES | PIPELINING | AUTH-RESP-CODE | STLS | USER | SASL PLAIN; connected from 127.0.0.2")


def test_imap_starttls_offered_but_login_allowed_is_reported(dovecot):
    [finding] = run_check(CleartextMailAuthentication, dovecot["starttls_optional"]["imap"], "imap")
    assert finding.detection == ("CAPABILITY before STARTTLS without LOGINDISABLED (STARTTLS offered, not required for "
                                 "LOGIN): * CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
                                 "AUTH=PLAIN; connected from 127.0.0.2")


@pytest.mark.parametrize("variant", ["debian_default", "ssl_required", "no_tls_plaintext_disabled"])
@pytest.mark.parametrize("service", ["pop3", "imap"])
def test_plaintext_disabled_is_not_reported(dovecot, variant, service):
    assert run_check(CleartextMailAuthentication, dovecot[variant][service], service) == []


def test_from_its_own_address_dovecot_allows_plaintext_anyway(dovecot):
    """Why the check comes from 127.0.0.2: seen from 127.0.0.1 the hardened IMAP has no LOGINDISABLED."""
    assert b"LOGINDISABLED" not in imap_greeting(dovecot["ssl_required"]["imap"], "127.0.0.1")
    assert b"LOGINDISABLED" in imap_greeting(dovecot["ssl_required"]["imap"], "127.0.0.2")


def imap_greeting(port: int, source: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=3, source_address=(source, 0)) as conn:
        return conn.recv(4096)

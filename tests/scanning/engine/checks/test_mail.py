"""Mail checks: SMTP against real Exim daemons (an open relay advertising AUTH PLAIN without
STARTTLS, one advertising AUTH PLAIN before an optional STARTTLS, and a hardened one: local
domains only, AUTH after STARTTLS), POP3 and IMAP against protocol-faithful servers that answer
as Dovecot does with and without disable_plaintext_auth (the real Dovecot: test_mail_dovecot.py)."""

import shutil
import smtplib

import pytest

from scanning.engine.checks.mail import CleartextMailAuthentication, SmtpOpenRelay
from scanning.engine.types import QuietReporter
from tests.daemons import Daemon, binary, free_port

from ..servers import banner, read_until
from .servicechecks import run_check, shared_dir

EXIM_COMMON = """primary_hostname = mail.test
domainlist local_domains = mail.test
exim_user = Debian-exim
exim_group = Debian-exim
never_users =
spool_directory = {root}/spool-{name}
log_file_path = {root}/%slog-{name}
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
keep_environment =
acl_smtp_rcpt = acl_check_rcpt
"""
EXIM_PROFILES = {
    "open": """tls_advertise_hosts =
begin acl
acl_check_rcpt:
  accept
begin authenticators
PLAIN:
  driver = plaintext
  public_name = PLAIN
  server_condition = ${if eq{$auth3}{never-a-password}}
  server_set_id = $auth2
""",
    "loopback_trusted": """tls_advertise_hosts =
hostlist relay_from_hosts = 127.0.0.1 : ::::1
begin acl
acl_check_rcpt:
  accept hosts = +relay_from_hosts
  require message = relay not permitted
          domains = +local_domains
  accept
""",
    # STARTTLS offered (Exim's own self-signed certificate) but AUTH PLAIN advertised before it too
    "auth_before_starttls": """tls_advertise_hosts = *
begin acl
acl_check_rcpt:
  accept domains = +local_domains
  deny message = relay not permitted
begin authenticators
PLAIN:
  driver = plaintext
  public_name = PLAIN
  server_condition = ${if eq{$auth3}{never-a-password}}
  server_set_id = $auth2
""",
    "hardened": """tls_advertise_hosts = *
begin acl
acl_check_rcpt:
  accept domains = +local_domains
  deny message = relay not permitted
begin authenticators
PLAIN:
  driver = plaintext
  public_name = PLAIN
  server_advertise_condition = ${if def:tls_in_cipher}
  server_condition = ${if eq{$auth3}{never-a-password}}
  server_set_id = $auth2
""",
}


@pytest.fixture(scope="module")
def exim():
    executable = binary("exim4")
    root = shared_dir("Debian-exim")
    ports, daemons = {}, []
    try:
        for name, profile in EXIM_PROFILES.items():
            ports[name] = free_port()
            conf = f"{root}/{name}.conf"
            with open(conf, "w") as file:
                file.write(EXIM_COMMON.format(root=root, name=name) + profile)
            daemons.append(Daemon([executable, "-C", conf, "-bdf", "-oX", str(ports[name])], ports[name]).__enter__())
        yield ports
    finally:
        for daemon in daemons:
            daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_open_relay_is_reported_with_the_rcpt_reply(exim):
    [finding] = run_check(SmtpOpenRelay, exim["open"], "smtp")
    assert finding.nvt == "CG-5001" and finding.severity == 6.5
    assert finding.detection == ("MAIL FROM:<cg-relay-test@example.org> answered 250 OK; "
                                 "RCPT TO:<cg-relay-test@example.net> answered 250 Accepted (no DATA sent); "
                                 "connected from 127.0.0.2")


def test_server_relaying_only_for_its_domains_is_not_an_open_relay(exim):
    assert run_check(SmtpOpenRelay, exim["hardened"], "smtp") == []


def test_relaying_for_localhost_only_is_not_an_open_relay(exim):
    """Debian's default Exim ACL: relay_from_hosts = 127.0.0.1 : ::1. From 127.0.0.1 it relays,
    as every default MTA does for its own host; the check, coming from 127.0.0.2, is refused."""
    assert run_check(SmtpOpenRelay, exim["loopback_trusted"], "smtp") == []
    assert relay_reply_from_localhost(exim["loopback_trusted"]) == 250  # the trust is real


def relay_reply_from_localhost(port: int) -> int:
    with smtplib.SMTP("127.0.0.1", port, timeout=3) as client:
        client.ehlo("client.test")
        client.mail("a@example.org")
        return client.rcpt("b@example.net")[0]


def test_smtp_auth_plain_without_starttls_is_reported(exim):
    [finding] = run_check(CleartextMailAuthentication, exim["open"], "smtp")
    assert finding.nvt == "CG-5002" and finding.pci_fail and finding.severity == 4.8
    assert finding.detection.startswith("EHLO without STARTTLS: 250-mail.test Hello scanner.example.org")
    assert "250-AUTH PLAIN" in finding.detection


def test_smtp_auth_offered_before_starttls_is_reported(exim):
    """STARTTLS is offered but not required: AUTH PLAIN is advertised (and accepted) in clear text
    too, so a client may send its password unencrypted (Greenbone's SMTP Unencrypted Cleartext Login)."""
    [finding] = run_check(CleartextMailAuthentication, exim["auth_before_starttls"], "smtp")
    assert finding.detection.startswith("EHLO before STARTTLS (offered, not required for AUTH): 250-mail.test Hello")
    assert "250-AUTH PLAIN" in finding.detection and "250-STARTTLS" in finding.detection
    assert finding.detection.endswith("; connected from 127.0.0.2")


def test_smtp_auth_only_after_starttls_is_not_reported(exim):
    assert run_check(CleartextMailAuthentication, exim["hardened"], "smtp") == []


# -- POP3 and IMAP, as Dovecot answers ----------------------------------------------------
def pop3(capabilities: bytes):
    def handle(conn, _service):
        conn.sendall(b"+OK Dovecot (Debian) ready.\r\n")
        while (line := read_until(conn, b"\n")):
            if line.upper().startswith(b"CAPA"):
                conn.sendall(b"+OK\r\n" + capabilities + b".\r\n")
            elif line.upper().startswith(b"QUIT"):
                conn.sendall(b"+OK Logging out\r\n")
                return
            else:
                conn.sendall(b"-ERR Unknown command.\r\n")

    return handle


def imap(capabilities: bytes):
    def handle(conn, _service):
        conn.sendall(b"* OK [CAPABILITY " + capabilities + b"] Dovecot (Debian) ready.\r\n")
        while (line := read_until(conn, b"\n")):
            tag = line.split(b" ", 1)[0]
            if b"CAPABILITY" in line.upper():
                conn.sendall(b"* CAPABILITY " + capabilities + b"\r\n" + tag + b" OK Pre-login capabilities listed, post-login capabilities have more.\r\n")
            elif b"LOGOUT" in line.upper():
                conn.sendall(b"* BYE Logging out\r\n" + tag + b" OK Logout completed.\r\n")
                return

    return handle


POP3_CLEAR = b"CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\nSASL PLAIN LOGIN\r\n"
POP3_TLS = b"CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nSASL\r\n"
IMAP_CLEAR = b"IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=LOGIN"
IMAP_TLS = b"IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED"


def test_pop3_user_without_stls_is_reported(tcp_service):
    [finding] = run_check(CleartextMailAuthentication, tcp_service(pop3(POP3_CLEAR)).port, "pop3")
    assert finding.detection == ("CAPA without STLS: CAPA | TOP | UIDL | RESP-CODES | PIPELINING | AUTH-RESP-CODE | USER | "
                                 "SASL PLAIN LOGIN; connected from 127.0.0.2")


def test_pop3_with_stls_is_not_reported(tcp_service):
    assert run_check(CleartextMailAuthentication, tcp_service(pop3(POP3_TLS)).port, "pop3") == []


def test_imap_login_allowed_in_clear_is_reported(tcp_service):
    [finding] = run_check(CleartextMailAuthentication, tcp_service(imap(IMAP_CLEAR)).port, "imap")
    assert finding.detection == ("CAPABILITY without STARTTLS or LOGINDISABLED (LOGIN allowed in clear text): * CAPABILITY "
                                 + IMAP_CLEAR.decode() + "; connected from 127.0.0.2")


def test_imap_with_starttls_and_logindisabled_is_not_reported(tcp_service):
    assert run_check(CleartextMailAuthentication, tcp_service(imap(IMAP_TLS)).port, "imap") == []


def test_mail_checks_do_not_fire_on_an_ftp_server(tcp_service):
    ftp = tcp_service(banner(b"220 (vsFTPd 3.0.3)\r\n"))
    assert run_check(SmtpOpenRelay, ftp.port, "smtp", timeout=1) == []
    assert run_check(CleartextMailAuthentication, ftp.port, "smtp", timeout=1) == []


def test_exims_version_evidence_leaves_the_greetings_date_out(exim):
    """Exim's greeting carries the time of day: the known-vulnerable-versions evidence quotes the
    banner without it, so the same finding reads the same on every run (and Debian's 4.96 is a
    distribution build: QoD 30)."""
    import time

    from scanning.engine import ScanPlan, run

    def version_findings():
        plan = ScanPlan(addresses=["127.0.0.1"], tcp_ports=[exim["hardened"]], alive_test="consider_alive", use_nmap=False,
                        families=("known_vulnerable_versions",))
        [host] = run(plan, QuietReporter())
        return {f.nvt: f for f in host.findings}

    first = version_findings()
    time.sleep(1.1)
    second = version_findings()
    assert first and {nvt: f.detection for nvt, f in first.items()} == {nvt: f.detection for nvt, f in second.items()}
    for finding in first.values():
        assert finding.detection.startswith("banner '220 mail.test ESMTP Exim 4.") and " <date>'" in finding.detection
        assert finding.qod == 30 and "distribution build" in finding.detection


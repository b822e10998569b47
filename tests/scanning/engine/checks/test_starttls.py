"""SSL/TLS checks over STARTTLS, against real daemons that offer TLS only by upgrading a plain-text
session (starttls_servers.py): Exim (SMTP STARTTLS), vsftpd (FTP AUTH TLS) and Dovecot (IMAP
STARTTLS, POP3 STLS), each weak (TLS 1.0/1.1, an expired self-signed certificate for another host)
and hardened (TLS 1.2+, a certificate for localhost from a test CA). Every check runs through the
checks stage on the port as detection names it (service smtp/ftp/imap/pop3, tls False)."""

import contextlib
import logging
import shutil

import pytest

from scanning.engine.checks.starttls import starttls_protocol
from scanning.engine.types import PortResult
from tests.daemons import Daemon, binary, free_port

from ..servers import banner
from . import starttls_servers as servers
from .conftest import check_host, findings_of
from .servicechecks import shared_dir
from .starttls_servers import HARDENED, LEGACY_PROTOCOLS, SHORT_KEY, UNTRUSTED_CA, WEAK, WEAK_CERT_FAULTS
from .test_mail import EXIM_COMMON, EXIM_PROFILES

PLANTED = LEGACY_PROTOCOLS | WEAK_CERT_FAULTS


@pytest.fixture(scope="module")
def exim():
    with servers.started(servers.exim) as ports:
        yield ports


@pytest.fixture(scope="module")
def vsftpd():
    with servers.started(servers.vsftpd) as ports:
        yield ports


@pytest.fixture(scope="module")
def dovecot():
    with servers.started(servers.dovecot) as ports:
        yield ports


def tls_findings(port, service):
    host = check_host([PortResult(port, "tcp", service=service)], families=["ssl_tls"])
    return findings_of(host)


def assert_weak(found, label, planted=PLANTED | SHORT_KEY):
    assert planted <= set(found), f"missing {planted - set(found)}"
    assert all(detection.endswith(f" (via STARTTLS: {label})") for detection in found.values())
    assert found["CG-1003"].startswith("The server accepted a TLSv1.0 ClientHello: ServerHello version TLSv1.0")
    assert found["CG-1010"].startswith("notAfter: ") and "(subject: CN=weak.example.test)" in found["CG-1010"]
    assert found["CG-1012"].startswith("Self-signed certificate: subject and issuer CN=weak.example.test")
    assert found["CG-1014"].startswith("Host name localhost not in the certificate's names: weak.example.test")


def test_smtp_starttls_weak_exim(exim):
    assert_weak(tls_findings(exim[WEAK], "smtp"), "SMTP STARTTLS")


def test_smtp_starttls_hardened_exim_only_lacks_a_public_ca(exim, tmp_path, monkeypatch):
    found = tls_findings(exim[HARDENED], "smtp")
    assert set(found) == UNTRUSTED_CA  # proves the TLS checks reached it: the chain was judged
    assert found["CG-1013"].endswith("(issuer: CN=CG STARTTLS Test CA; subject: CN=localhost) (via STARTTLS: SMTP STARTTLS)")
    servers.trust_test_ca(tmp_path, monkeypatch)
    assert tls_findings(exim[HARDENED], "smtp") == {}


def test_submission_port_is_upgraded_like_smtp(exim):
    assert_weak(tls_findings(exim[WEAK], "submission"), "SMTP STARTTLS")


def test_ftp_auth_tls_weak_vsftpd(vsftpd):
    found = tls_findings(vsftpd[WEAK], "ftp")
    assert_weak(found, "FTP AUTH TLS", PLANTED)
    assert "CG-1015" not in found  # a 2048-bit key
    assert "_anon_" in found["CG-1009"]  # ALL:@SECLEVEL=0 includes the anonymous suites


def test_ftp_auth_tls_hardened_vsftpd(vsftpd, tmp_path, monkeypatch):
    assert set(tls_findings(vsftpd[HARDENED], "ftp")) == UNTRUSTED_CA
    servers.trust_test_ca(tmp_path, monkeypatch)
    assert tls_findings(vsftpd[HARDENED], "ftp") == {}


@pytest.mark.parametrize(("service", "label"), [("imap", "IMAP STARTTLS"), ("pop3", "POP3 STLS")])
def test_dovecot_weak(dovecot, service, label):
    assert_weak(tls_findings(dovecot[WEAK][service], service), label)


@pytest.mark.parametrize("service", ["imap", "pop3"])
def test_dovecot_hardened(dovecot, service, tmp_path, monkeypatch):
    assert set(tls_findings(dovecot[HARDENED][service], service)) == UNTRUSTED_CA
    servers.trust_test_ca(tmp_path, monkeypatch)
    assert tls_findings(dovecot[HARDENED][service], service) == {}


def test_smtp_server_without_starttls_is_not_tls_checked(caplog):
    """Exim advertising no STARTTLS: no finding, and no check gives up or fails."""
    root, port = shared_dir("Debian-exim"), free_port()
    conf = f"{root}/plain.conf"
    with open(conf, "w") as file:
        file.write(EXIM_COMMON.format(root=root, name="plain") + EXIM_PROFILES["open"])
    try:
        with Daemon([binary("exim4"), "-C", conf, "-bdf", "-oX", str(port)], port), caplog.at_level(logging.INFO):
            assert tls_findings(port, "smtp") == {}
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert not [r for r in caplog.records if r.name.startswith("scanning.engine.checks")]


def test_ftp_server_refusing_auth_tls_is_not_tls_checked(tcp_service, caplog):
    ftp = tcp_service(banner(b"220 (vsFTPd 3.0.3)\r\n"))  # greets, then never agrees to AUTH TLS
    with caplog.at_level(logging.INFO):
        host = check_host([PortResult(ftp.port, "tcp", service="ftp")], families=["ssl_tls"], check_timeout=1.0)
    assert host.findings == []
    assert not [r for r in caplog.records if r.name.startswith("scanning.engine.checks")]


def test_which_ports_are_upgraded():
    assert starttls_protocol(PortResult(25, "tcp", service="smtp")) == "smtp"
    assert starttls_protocol(PortResult(587, "tcp", service="submission")) == "smtp"
    assert starttls_protocol(PortResult(143, "tcp", service="imap")) == "imap"
    assert starttls_protocol(PortResult(21, "tcp", service="ftp")) == "ftp"
    assert starttls_protocol(PortResult(465, "tcp", service="smtps", tls=True)) == ""  # implicit TLS: no dialogue
    assert starttls_protocol(PortResult(22, "tcp", service="ssh")) == ""


def test_upgrade_accepted_but_raw_hello_closed_is_still_judged():
    """Dovecot without ssl_dh picks a DHE suite for a raw TLS 1.2 hello and closes without an alert
    (the lab's hardened Dovecot): the yes to STLS is enough, and the OpenSSL handshakes judge it."""
    from tests.lab.dovecot import _dovecot

    with contextlib.ExitStack() as stack:
        ports = _dovecot(stack, weak=False)
        found = tls_findings(ports["pop3"], "pop3")
    assert set(found) == UNTRUSTED_CA and found["CG-1013"].endswith("(via STARTTLS: POP3 STLS)")

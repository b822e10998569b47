"""FTP checks against real vsftpd daemons: one open (anonymous allowed, accounts in clear text),
one hardened (anonymous off, FTPS required for account logins), one anonymous-only, one with
FTPS offered but not required, one anonymous only after AUTH TLS."""

import shutil
import subprocess

import pytest

from scanning.engine.checks.ftp import AnonymousFtp, CleartextFtpLogin
from scanning.engine.types import PortResult
from tests.daemons import Daemon, binary, free_port

from ..servers import banner
from .servicechecks import run_check, shared_dir

COMMON = """listen=YES
listen_ipv6=NO
background=NO
listen_address=127.0.0.1
listen_port={port}
secure_chroot_dir={root}/empty
anon_root={root}/pub
nopriv_user=nobody
seccomp_sandbox=NO
connect_from_port_20=NO
pam_service_name=vsftpd
xferlog_enable=NO
"""
PROFILES = {
    "open": "anonymous_enable=YES\nlocal_enable=YES\nssl_enable=NO\n",
    "hardened": ("anonymous_enable=NO\nlocal_enable=YES\nssl_enable=YES\nforce_local_logins_ssl=YES\n"
                 "force_local_data_ssl=YES\nrsa_cert_file={root}/cert.pem\nrsa_private_key_file={root}/key.pem\n"),
    "anonymous_only": "anonymous_enable=YES\nlocal_enable=NO\nssl_enable=NO\n",
    # anonymous allowed, but only after AUTH TLS
    "anonymous_tls_only": ("anonymous_enable=YES\nlocal_enable=NO\nssl_enable=YES\nallow_anon_ssl=YES\n"
                           "force_anon_logins_ssl=YES\nforce_anon_data_ssl=YES\nrsa_cert_file={root}/cert.pem\n"
                           "rsa_private_key_file={root}/key.pem\n"),
    # FTPS offered but optional: vsftpd's force_local_logins_ssl turned off
    "tls_optional": ("anonymous_enable=NO\nlocal_enable=YES\nssl_enable=YES\nforce_local_logins_ssl=NO\n"
                     "force_local_data_ssl=NO\nrsa_cert_file={root}/cert.pem\nrsa_private_key_file={root}/key.pem\n"),
}


@pytest.fixture(scope="module")
def vsftpd():
    executable = binary("vsftpd")
    root = shared_dir()
    try:
        for folder in ("empty", "pub"):
            subprocess.run(["mkdir", "-m", "755", f"{root}/{folder}"], check=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=ftp.test", "-days", "2",
                        "-keyout", f"{root}/key.pem", "-out", f"{root}/cert.pem"], check=True, capture_output=True)
        ports, daemons = {}, []
        for name, profile in PROFILES.items():
            ports[name] = free_port()
            conf = f"{root}/{name}.conf"
            with open(conf, "w") as file:
                file.write(COMMON.format(port=ports[name], root=root) + profile.format(root=root))
            daemons.append(Daemon([executable, conf], ports[name]).__enter__())
        yield ports
    finally:
        for daemon in locals().get("daemons", []):
            daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_anonymous_login_is_reported_with_the_230_reply(vsftpd):
    [finding] = run_check(AnonymousFtp, vsftpd["open"], "ftp")
    assert finding.nvt == "CG-4001" and finding.severity == 5.3 and not finding.pci_fail
    assert finding.detection == "USER anonymous accepted: 230 Login successful."


def test_anonymous_only_after_auth_tls_is_reported(vsftpd):
    """force_anon_logins_ssl=YES: USER anonymous in clear gets 530, but after AUTH TLS anyone is in."""
    [finding] = run_check(AnonymousFtp, vsftpd["anonymous_tls_only"], "ftp")
    assert finding.detection == "USER anonymous accepted after AUTH TLS: 230 Login successful."


def test_anonymous_refused_is_not_reported(vsftpd):
    assert run_check(AnonymousFtp, vsftpd["hardened"], "ftp") == []


def test_cleartext_login_without_auth_tls_is_reported(vsftpd):
    [finding] = run_check(CleartextFtpLogin, vsftpd["open"], "ftp")
    assert finding.nvt == "CG-4002" and finding.pci_fail and finding.severity == 4.8
    assert "no AUTH TLS (FEAT: " in finding.detection
    assert finding.detection.endswith("USER cg-scanner in clear text answered: 331 Please specify the password.")


def test_ftps_server_is_not_a_cleartext_login(vsftpd):
    assert run_check(CleartextFtpLogin, vsftpd["hardened"], "ftp") == []


def test_optional_ftps_is_a_cleartext_login(vsftpd):
    """AUTH TLS offered but not required: the password may still travel in clear text (Greenbone's
    FTP Unencrypted Cleartext Login reports it too); the hardened server answers 530 instead."""
    [finding] = run_check(CleartextFtpLogin, vsftpd["tls_optional"], "ftp")
    assert finding.detection.startswith("AUTH TLS offered, not required (FEAT: AUTH TLS, ")
    assert finding.detection.endswith("USER cg-scanner in clear text answered: 331 Please specify the password.")


def test_anonymous_only_server_takes_no_account_passwords(vsftpd):
    assert run_check(CleartextFtpLogin, vsftpd["anonymous_only"], "ftp") == []
    assert len(run_check(AnonymousFtp, vsftpd["anonymous_only"], "ftp")) == 1


def test_cleartext_check_skips_implicit_ftps():
    assert not CleartextFtpLogin().applies(None, PortResult(990, "tcp", service="ftps", tls=True))


def test_ftp_checks_do_not_fire_on_a_non_ftp_service(tcp_service):
    smtp = tcp_service(banner(b"220 mail.test ESMTP Exim 4.96\r\n"))
    assert run_check(AnonymousFtp, smtp.port, "ftp", timeout=1) == []
    assert run_check(CleartextFtpLogin, smtp.port, "ftp", timeout=1) == []

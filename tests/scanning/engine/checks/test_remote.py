"""Remote access checks against real daemons: OpenSSH configured weak (1024-bit RSA host key,
SHA-1 key exchange, CBC/3DES ciphers, MD5 and 96-bit MACs, ssh-rsa signatures) and with Debian's
defaults (Ed25519 + 3072-bit RSA keys); inetutils telnetd started per connection by a small
socket server (the inetd role); SSH-1 by a server that answers with an SSH-1.99 version line
(no SSH-1 server exists in Debian any more)."""

import shutil
import subprocess

import pytest

from scanning.engine.checks.remote import (
    SshProtocolVersion1,
    SshWeakCiphers,
    SshWeakHostKey,
    SshWeakKeyExchange,
    SshWeakMacs,
    TelnetService,
)
from tests.daemons import Daemon, binary, free_port

from ..servers import TcpService, banner
from .servicechecks import run_check, shared_dir

WEAK = """KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,curve25519-sha256
Ciphers aes128-cbc,3des-cbc,aes128-ctr
MACs hmac-md5,hmac-sha1-96,hmac-sha2-256
HostKeyAlgorithms ssh-rsa,rsa-sha2-256
"""


def sshd_config(root: str, name: str, keys: list[str], extra: str = "") -> str:
    path = f"{root}/{name}.conf"
    with open(path, "w") as conf:
        conf.write("".join(f"HostKey {root}/{key}\n" for key in keys))
        conf.write("ListenAddress 127.0.0.1\nPidFile none\nUsePAM no\nPasswordAuthentication no\n" + extra)
    return path


@pytest.fixture(scope="module")
def sshd():
    executable, keygen = binary("sshd"), binary("ssh-keygen")
    root = shared_dir()
    try:
        for key, args in {"rsa1024": ["-t", "rsa", "-b", "1024"], "rsa3072": ["-t", "rsa", "-b", "3072"],
                          "ed25519": ["-t", "ed25519"]}.items():
            subprocess.run([keygen, "-q", "-N", "", "-f", f"{root}/{key}", *args], check=True)
        configs = {"weak": sshd_config(root, "weak", ["rsa1024"], WEAK),
                   "hardened": sshd_config(root, "hardened", ["ed25519", "rsa3072"])}
        ports = {name: free_port() for name in configs}
        with Daemon([executable, "-D", "-e", "-f", configs["weak"], "-p", str(ports["weak"])], ports["weak"]), \
                Daemon([executable, "-D", "-e", "-f", configs["hardened"], "-p", str(ports["hardened"])], ports["hardened"]):
            yield ports
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_weak_key_exchange_names_the_algorithms(sshd):
    [finding] = run_check(SshWeakKeyExchange, sshd["weak"], "ssh")
    assert finding.nvt == "CG-3003" and finding.severity == 5.9 and finding.family == "remote_access"
    assert finding.detection.startswith("SSH-2.0-OpenSSH_9.2")
    assert finding.detection.endswith("offers: diffie-hellman-group1-sha1, diffie-hellman-group14-sha1")


def test_weak_ciphers_name_the_algorithms(sshd):
    [finding] = run_check(SshWeakCiphers, sshd["weak"], "ssh")
    assert finding.detection.endswith("offers: aes128-cbc, 3des-cbc")


def test_weak_macs_name_the_algorithms(sshd):
    [finding] = run_check(SshWeakMacs, sshd["weak"], "ssh")
    assert finding.severity < 4.0 and finding.detection.endswith("offers: hmac-md5, hmac-sha1-96")


def test_weak_host_key_names_ssh_rsa_and_the_short_key(sshd):
    [finding] = run_check(SshWeakHostKey, sshd["weak"], "ssh")
    assert finding.detection.endswith("offers: ssh-rsa, RSA host key of 1024 bits")


@pytest.mark.parametrize("check", [SshWeakKeyExchange, SshWeakCiphers, SshWeakMacs, SshWeakHostKey, SshProtocolVersion1])
def test_debian_default_sshd_has_no_weak_algorithm(sshd, check):
    assert run_check(check, sshd["hardened"], "ssh") == []


def test_ssh_protocol_1_is_read_from_the_version_line(tcp_service):
    server = tcp_service(banner(b"SSH-1.99-OpenSSH_3.9p1\r\n"))
    [finding] = run_check(SshProtocolVersion1, server.port, "ssh")
    assert finding.nvt == "CG-3002" and finding.detection == "version line: SSH-1.99-OpenSSH_3.9p1"


def test_ssh_1_only_server_gives_no_algorithm_findings(tcp_service):
    server = tcp_service(banner(b"SSH-1.5-1.2.33\n"))
    assert len(run_check(SshProtocolVersion1, server.port, "ssh")) == 1
    assert run_check(SshWeakCiphers, server.port, "ssh", timeout=1) == []


# -- Telnet: inetutils telnetd, spawned per connection as inetd would ------------------------
def inetd(executable):
    def handle(conn, _service):
        conn.setblocking(True)  # telnetd gets the socket as stdin/stdout
        process = subprocess.Popen([executable, "-h"], stdin=conn.fileno(), stdout=conn.fileno(),
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    return handle


@pytest.fixture(scope="module")
def telnetd():
    server = TcpService(inetd(binary("telnetd")))
    yield server.port
    server.close()


def test_telnet_is_reported_with_its_negotiation_and_login_prompt(telnetd):
    [finding] = run_check(TelnetService, telnetd, "telnet")
    assert finding.nvt == "CG-3001" and finding.pci_fail and finding.severity == 4.8
    assert finding.detection.startswith("Telnet option negotiation: ") and "DO 24" in finding.detection
    assert finding.detection.endswith("login:")


def test_telnet_check_does_not_fire_on_ssh(sshd):
    assert run_check(TelnetService, sshd["hardened"], "telnet", timeout=1) == []


def test_console_without_negotiation_is_found_and_reported(tcp_service):
    """A console that skips Telnet negotiation and waits at `login:`: detection names it telnet and
    the check reports its prompt (a cleartext login all the same)."""
    from scanning.engine import ScanPlan, run
    from scanning.engine.types import QuietReporter

    console = tcp_service(banner(b"\r\nDebian GNU/Linux 12\r\nrouter login: "))
    plan = ScanPlan(addresses=[console.ip], tcp_ports=[console.port], alive_test="consider_alive", use_nmap=False,
                    families=("remote_access",), check_timeout=2.0)
    [host] = run(plan, QuietReporter())
    assert [(p.service, p.port) for p in host.ports] == [("telnet", console.port)]
    assert [f.detection for f in host.findings] == [
        "Telnet option negotiation: none; server text: Debian GNU/Linux 12 | router login:"]

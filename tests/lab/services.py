"""Start the lab: every family's weak and hardened instance on 127.0.0.1 high ports, with the
configurations of the per-check tests (tests/scanning/engine/checks/), so the scorecard scans
exactly the daemons those tests prove each check against.

    with contextlib.ExitStack() as stack:
        ports = start_lab(stack, Path(tmp), groups=None)   # None: the whole lab
        ...scan every port.label of 127.0.0.1...

Real Debian daemons where Debian ships one (nginx, OpenSSH, inetutils telnetd, vsftpd, Exim,
Redis, memcached, MariaDB, PostgreSQL 15, net-snmp, dnsmasq here; Apache httpd, Dovecot and BIND
in their own modules); protocol-faithful servers in threads (fakes.py, and SSH-1 here) for what
Debian does not ship."""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
from pathlib import Path

from tests.daemons import Daemon, binary, free_port, mariadb_install
from tests.scanning.engine.checks import nginx_lab, starttls_servers
from tests.scanning.engine.checks.certs import make_cert
from tests.scanning.engine.checks.servicechecks import shared_dir
from tests.scanning.engine.checks.starttls_servers import (
    EXIM_TLS,
    LEGACY_PROTOCOLS,
    SHORT_KEY,
    TEST_CA,
    UNTRUSTED_CA,
    WEAK_CERT_FAULTS,
)
from tests.scanning.engine.checks.test_databases import PG_BIN, as_postgres, mariadbd, postgres, redis, tls_cluster
from tests.scanning.engine.checks.test_dns import dnsmasq
from tests.scanning.engine.checks.test_ftp import COMMON as FTP_COMMON
from tests.scanning.engine.checks.test_ftp import PROFILES as FTP_PROFILES
from tests.scanning.engine.checks.test_mail import EXIM_COMMON, EXIM_PROFILES
from tests.scanning.engine.checks.test_remote import WEAK as SSH_WEAK
from tests.scanning.engine.checks.test_remote import inetd, sshd_config
from tests.scanning.engine.checks.test_snmp import answers as snmp_answers
from tests.scanning.engine.servers import banner

from . import fakes
from .apache import apache
from .bind import bind
from .caddy import caddy
from .dovecot import dovecot
from .haproxy import haproxy
from .lighttpd import lighttpd
from .local_trust import local_trust
from .optional_tls import optional_tls
from .ports import HARDENED, HEADER_LOGS, WEAK, lab_port

# expired, self-signed, for another host (weak.example.test, no address: scanned by address, it is
# judged against 127.0.0.1's reverse name, localhost), 1024-bit
CERT_FAULTS = {"CG-1010", "CG-1012", "CG-1014", "CG-1015"}
# nginx 1.22's default ssl_protocols still include TLS 1.0 and 1.1, and ALL has the anonymous suites
# (no 3DES, RC4 or EXPORT: Debian's OpenSSL 3.0 has none of them; the SSLv2/SSLv3 stack plants those)
LEGACY_DEFAULTS = {"CG-1003", "CG-1004", "CG-1009"}


def _scratch(stack, owner=None) -> str:
    path = shared_dir(owner)
    stack.callback(shutil.rmtree, path, True)
    return path


def nginx(stack, work: Path):
    weak_daemon, weak = nginx_lab.start(work, weak=True)
    hardened_daemon, hard = nginx_lab.start(work, weak=False)
    listing_daemon, listing = nginx_lab.start_listing(work, "/backup/", linked=False)
    for daemon in (weak_daemon, hardened_daemon, listing_daemon):
        stack.enter_context(daemon)
    disclosed = {"CG-2005"}  # server_tokens on: nginx/1.22.1 in every Server header of the weak one
    return [
        lab_port("nginx weak TLS", "ssl_tls", WEAK, weak.tls, distribution=True,
                 expected={*LEGACY_DEFAULTS, "CG-1007", *CERT_FAULTS, "CG-2001", "CG-2007",
                           *disclosed}, allowed=HEADER_LOGS),
        lab_port("nginx weak HTTP", "web_servers", WEAK, weak.http, distribution=True,
                 expected={"CG-2008", *disclosed}, allowed=HEADER_LOGS),
        lab_port("nginx not yet valid", "ssl_tls", WEAK, weak.future, distribution=True,
                 expected={"CG-1011", "CG-1012", "CG-2001", "CG-2008", *disclosed}, allowed=HEADER_LOGS),
        lab_port("nginx SHA-1 cert", "ssl_tls", WEAK, weak.sha1, distribution=True,
                 expected={"CG-1016", "CG-1012", *LEGACY_DEFAULTS, "CG-2001", "CG-2008", *disclosed}, allowed=HEADER_LOGS),
        # a private CA the scanner does not trust: CG-1013 is low on purpose (docs/checks.md)
        lab_port("nginx hardened TLS", "ssl_tls", HARDENED, hard.tls, allowed={"CG-1013"}),
        lab_port("nginx hardened HTTP", "web_servers", HARDENED, hard.http),
        lab_port("nginx autoindex on /backup/", "web_servers", WEAK, listing, distribution=True, expected={"CG-2007"},
                 allowed={*HEADER_LOGS, *disclosed}),  # server_tokens left at its default (on)
    ]


def sshd(stack, work):
    executable, keygen = binary("sshd"), binary("ssh-keygen")
    root = _scratch(stack)
    for key, args in {"rsa1024": ["-t", "rsa", "-b", "1024"], "ed25519": ["-t", "ed25519"],
                      "rsa3072": ["-t", "rsa", "-b", "3072"]}.items():
        subprocess.run([keygen, "-q", "-N", "", "-f", f"{root}/{key}", *args], check=True)  # noqa: S603
    configs = {WEAK: sshd_config(root, "weak", ["rsa1024"], SSH_WEAK),
               HARDENED: sshd_config(root, "hardened", ["ed25519", "rsa3072"])}
    ports = {variant: free_port() for variant in configs}
    os.makedirs("/run/sshd", exist_ok=True)  # the privilege-separation directory sshd insists on
    for variant, conf in configs.items():
        stack.enter_context(Daemon([executable, "-D", "-e", "-f", conf, "-p", str(ports[variant])], ports[variant]))
    telnet = fakes.thread(stack, inetd(binary("telnetd")))
    ssh1 = fakes.thread(stack, banner(b"SSH-1.5-1.2.33\r\n"))
    return [
        lab_port("sshd weak", "remote_access", WEAK, ports[WEAK], distribution=True,
                 expected={"CG-3003", "CG-3004", "CG-3005", "CG-3006"}),
        lab_port("SSH-1 server", "remote_access", WEAK, ssh1, expected={"CG-3002"}),
        lab_port("telnetd", "remote_access", WEAK, telnet, expected={"CG-3001"}),
        lab_port("sshd Debian defaults", "remote_access", HARDENED, ports[HARDENED], distribution=True),
    ]


def vsftpd(stack, work):
    executable = binary("vsftpd")
    root = _scratch(stack)
    for folder in ("empty", "pub"):
        Path(root, folder).mkdir(mode=0o755)
    cert, key = make_cert(issuer=TEST_CA).write(Path(root), "hardened")  # AUTH TLS is TLS-checked too
    os.replace(cert, f"{root}/cert.pem")  # the paths FTP_PROFILES["hardened"] names
    os.replace(key, f"{root}/key.pem")
    ports = {}
    for profile in ("open", "hardened", "tls_optional"):
        ports[profile] = free_port()
        conf = Path(root, f"{profile}.conf")
        conf.write_text(FTP_COMMON.format(port=ports[profile], root=root) + FTP_PROFILES[profile].format(root=root))
        stack.enter_context(Daemon([executable, str(conf)], ports[profile]))
    return [lab_port("vsftpd anonymous + cleartext", "ftp", WEAK, ports["open"], distribution=True,
                     expected={"CG-4001", "CG-4002"}),
            lab_port("vsftpd FTPS required", "ftp", HARDENED, ports["hardened"], distribution=True, allowed=UNTRUSTED_CA),
            # force_local_logins_ssl=NO: AUTH TLS offered, but USER/PASS still accepted in clear text
            lab_port("vsftpd FTPS offered, not required", "ftp", WEAK, ports["tls_optional"], distribution=True,
                     expected={"CG-4002"}, allowed=UNTRUSTED_CA)]


def exim(stack, work):
    executable = binary("exim4")
    root = _scratch(stack, "Debian-exim")
    ports = {}
    for variant, profile in ((WEAK, "open"), (HARDENED, "hardened")):
        ports[variant] = free_port()
        conf = Path(root, f"{profile}.conf")
        tls = ""
        if variant == HARDENED:  # STARTTLS is TLS-checked: a test CA's certificate, not Exim's self-signed
            # default, and TLS 1.2+ (Debian's GnuTLS NORMAL priority still allows TLS 1.0 and 1.1)
            cert, key = make_cert(issuer=TEST_CA).write(Path(root), profile)
            tls = f"tls_certificate = {cert}\ntls_privatekey = {key}\n" + EXIM_TLS[HARDENED]
        conf.write_text(EXIM_COMMON.format(root=root, name=profile) + tls + EXIM_PROFILES[profile])
        stack.enter_context(Daemon([executable, "-C", str(conf), "-bdf", "-oX", str(ports[variant])], ports[variant]))
    return [lab_port("Exim open relay", "mail", WEAK, ports[WEAK], distribution=True, expected={"CG-5001", "CG-5002"}),
            lab_port("Exim hardened", "mail", HARDENED, ports[HARDENED], distribution=True, allowed=UNTRUSTED_CA)]


def caches(stack, work):
    tmp = _scratch(stack)
    (open_redis, open_port), (locked_redis, locked_port) = redis(tmp), redis(tmp, "--requirepass", "s3cret-Pass")
    stack.enter_context(open_redis)
    stack.enter_context(locked_redis)
    auth = Path(tmp, "memcached-auth")
    auth.write_text("scanner:s3cret\n")
    auth.chmod(0o644)
    base = [binary("memcached"), "-U", "0", "-l", "127.0.0.1", "-u", "nobody"]
    memcached = {WEAK: free_port(), HARDENED: free_port(), "udp": free_port()}
    stack.enter_context(Daemon([*base, "-p", str(memcached[WEAK])], memcached[WEAK]))
    stack.enter_context(Daemon([*base, "-p", str(memcached[HARDENED]), "-Y", str(auth)], memcached[HARDENED]))
    udp = str(memcached["udp"])  # -U <port>: UDP on, the same port number
    stack.enter_context(Daemon([binary("memcached"), "-l", "127.0.0.1", "-u", "nobody", "-p", udp, "-U", udp], memcached["udp"]))
    return [lab_port("Redis without password", "databases", WEAK, open_port, distribution=True, expected={"CG-6001"}),
            lab_port("Redis requirepass", "databases", HARDENED, locked_port, distribution=True),
            lab_port("memcached open", "databases", WEAK, memcached[WEAK], distribution=True, expected={"CG-6002"}),
            lab_port("memcached open, UDP on (TCP)", "databases", WEAK, memcached["udp"], distribution=True,
                     expected={"CG-6002"}),
            lab_port("memcached open, UDP on", "databases", WEAK, memcached["udp"], "udp", distribution=True,
                     expected={"CG-6007"}),
            lab_port("memcached SASL file", "databases", HARDENED, memcached[HARDENED], distribution=True)]


def postgresql(stack, work):
    binary(f"{PG_BIN}/initdb")
    root = _scratch(stack, "postgres")
    trust, scram = f"{root}/trust", f"{root}/scram"
    subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", trust, "-U", "postgres", "--auth=trust", "-N"]),  # noqa: S603
                   check=True, capture_output=True, timeout=120)
    subprocess.run(as_postgres(["cp", "-a", trust, scram]), check=True, timeout=60)  # noqa: S603
    Path(scram, "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
    hostssl_trust = tls_cluster(root, trust, "trust")  # ssl on, `hostssl ... trust` only
    ports = {WEAK: free_port(), HARDENED: free_port(), "hostssl": free_port()}
    stack.enter_context(postgres(trust, ports[WEAK]))
    stack.enter_context(postgres(scram, ports[HARDENED]))
    stack.enter_context(postgres(hostssl_trust, ports["hostssl"]))
    return [lab_port("PostgreSQL trust", "databases", WEAK, ports[WEAK], expected={"CG-6005"}),
            lab_port("PostgreSQL scram-sha-256", "databases", HARDENED, ports[HARDENED]),
            lab_port("PostgreSQL trust over TLS only (hostssl)", "databases", WEAK, ports["hostssl"], expected={"CG-6005"})]


def mysql(stack, work):
    """MariaDB: grant tables skipped (root without password) vs root by unix socket only."""
    executable = binary("mariadbd")
    root = _scratch(stack)
    mariadb_install(f"{root}/socket_auth", "--user=root", "--auth-root-authentication-method=socket", "--skip-test-db")
    shutil.copytree(f"{root}/socket_auth", f"{root}/no_grants", symlinks=True)
    ports = {WEAK: free_port(), HARDENED: free_port()}
    stack.enter_context(mariadbd(executable, root, "no_grants", ports[WEAK], "--skip-grant-tables"))
    stack.enter_context(mariadbd(executable, root, "socket_auth", ports[HARDENED]))
    return [lab_port("MariaDB without grant tables", "databases", WEAK, ports[WEAK], distribution=True, expected={"CG-6006"}),
            lab_port("MariaDB root by socket only", "databases", HARDENED, ports[HARDENED], distribution=True)]


def snmpd(stack, work):
    executable = binary("snmpd")
    root = _scratch(stack)
    secret = secrets.token_hex(12)
    configs = {WEAK: ("rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n", b"public"),
               "private_only": ("rwcommunity private 127.0.0.1\n", b"private"),  # silent to "public"
               HARDENED: (f"rocommunity {secret} 127.0.0.1\n", secret.encode())}
    ports = {}
    for variant, (body, community) in configs.items():
        ports[variant] = free_port(socket.SOCK_DGRAM)
        conf = Path(root, f"{variant}.conf")
        conf.write_text(body + "sysDescr CG lab agent\nsysLocation lab\n")
        argv = [executable, "-f", "-Lo", "-C", "-c", str(conf), "-p", f"{root}/{variant}.pid", f"udp:127.0.0.1:{ports[variant]}"]
        stack.enter_context(Daemon(argv, ready=lambda p=ports[variant], c=community: snmp_answers(p, c),
                                   env={"SNMP_PERSISTENT_DIR": root, "PATH": "/usr/sbin:/usr/bin:/bin"}))
    return [lab_port("snmpd public/private", "snmp", WEAK, ports[WEAK], "udp", expected={"CG-7001"}),
            lab_port("snmpd private (read-write) only", "snmp", WEAK, ports["private_only"], "udp", expected={"CG-7001"}),
            lab_port("snmpd random community", "snmp", HARDENED, ports[HARDENED], "udp")]


def dns(stack, work):
    executable = binary("dnsmasq")
    upstream, recursive, hardened = free_port(), free_port(), free_port()
    stack.enter_context(dnsmasq(executable, upstream, "--address=/example.test/192.0.2.1"))
    stack.enter_context(dnsmasq(executable, recursive, f"--server=127.0.0.1#{upstream}"))
    stack.enter_context(dnsmasq(executable, hardened, "--local=/lab.test/", "--address=/host.lab.test/192.0.2.7"))
    version = {"CG-8002"}  # version.bind: a log finding, true on both
    return [lab_port(f"dnsmasq forwarder ({protocol})", "dns", WEAK, recursive, protocol, distribution=True,
                     expected={"CG-8001"}, allowed=version) for protocol in ("tcp", "udp")] + \
           [lab_port(f"dnsmasq no upstream ({protocol})", "dns", HARDENED, hardened, protocol, distribution=True,
                     allowed=version) for protocol in ("tcp", "udp")]


def starttls(stack, work):
    """TLS offered only through STARTTLS: Exim, vsftpd and Dovecot, weak and hardened."""
    planted = {*LEGACY_PROTOCOLS, *WEAK_CERT_FAULTS, *SHORT_KEY}
    exim_ports, ftp_ports = starttls_servers.exim(stack), starttls_servers.vsftpd(stack)
    ports = [lab_port("Exim STARTTLS weak", "ssl_tls", WEAK, exim_ports[WEAK], distribution=True, expected=planted),
             lab_port("Exim STARTTLS hardened", "ssl_tls", HARDENED, exim_ports[HARDENED], distribution=True,
                      allowed=UNTRUSTED_CA),
             # ALL:@SECLEVEL=0 (OpenSSL) also has the anonymous suites
             lab_port("vsftpd AUTH TLS weak", "ssl_tls", WEAK, ftp_ports[WEAK], distribution=True,
                      expected={*planted - SHORT_KEY, "CG-1009"}),
             lab_port("vsftpd AUTH TLS hardened", "ssl_tls", HARDENED, ftp_ports[HARDENED], distribution=True,
                      allowed=UNTRUSTED_CA)]
    if shutil.which("dovecot") or os.access("/usr/sbin/dovecot", os.X_OK):
        mail = starttls_servers.dovecot(stack)
        for service, label in (("imap", "IMAP STARTTLS"), ("pop3", "POP3 STLS")):
            ports += [lab_port(f"Dovecot {label} weak", "ssl_tls", WEAK, mail[WEAK][service], expected={*planted, "CG-1009"}),
                      lab_port(f"Dovecot {label} hardened", "ssl_tls", HARDENED, mail[HARDENED][service],
                               allowed=UNTRUSTED_CA)]
    return ports


GROUPS = {"nginx": nginx, "legacy_tls": fakes.legacy_tls, "web": fakes.web_fakes, "ssh": sshd, "ftp": vsftpd,
          "mail": exim, "mail_fakes": fakes.mail_fakes, "caches": caches, "nosql": fakes.nosql_fakes, "mysql": mysql,
          "postgresql": postgresql, "snmp": snmpd, "dns": dns, "versions": fakes.versions, "apache": apache,
          "dovecot": dovecot, "bind": bind, "starttls": starttls, "optional_tls": optional_tls, "local_trust": local_trust,
          "lighttpd": lighttpd, "haproxy": haproxy, "caddy": caddy}


def start_lab(stack: contextlib.ExitStack, work: Path, groups=None):
    """Start the named groups (all by default); their LabPorts. Everything stops with `stack`."""
    ports = []
    for name in groups or GROUPS:
        directory = work / name
        directory.mkdir(parents=True, exist_ok=True)
        ports.extend(GROUPS[name](stack, directory))
    return ports

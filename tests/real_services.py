"""The real Debian daemons the detection tests and benchmarks scan: each one started on 127.0.0.1
on a free high port with its own configuration in a scratch directory (tests/daemons.py), and
what it really is (product, version from the installed Debian package, CPE as NVD names it).

    with running_services(tmp_path, ["nginx", "redis"]) as services:
        for service in services: ...service.port, service.protocol, service.expected...
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from tests.daemons import Daemon, Service, binary, free_port, package_version
from tests.real_services_more import LAUNCHERS as MORE_LAUNCHERS
from tests.real_services_more import SERVICE_NAMES as MORE_SERVICE_NAMES

PG_BIN = "/usr/lib/postgresql/15/bin"


def _nginx(work, port):
    conf = work / "nginx.conf"
    conf.write_text(f"""
pid {work}/nginx.pid; error_log {work}/nginx-error.log; worker_processes 1;
events {{ worker_connections 64; }}
http {{ access_log off; client_body_temp_path {work}/nb; proxy_temp_path {work}/np; fastcgi_temp_path {work}/nf;
  uwsgi_temp_path {work}/nu; scgi_temp_path {work}/ns;
  server {{ listen 127.0.0.1:{port}; location / {{ return 200 "hello"; }} }} }}
""")
    version = package_version("nginx")
    expected = Service("nginx", port, "tcp", "nginx", version, f"cpe:/a:f5:nginx:{version}", "http")
    return Daemon([binary("nginx"), "-c", str(conf), "-g", "daemon off;"], port), expected


def _sshd(work, port):
    key = work / "ssh_host_ed25519_key"
    subprocess.run([binary("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)  # noqa: S603
    conf = work / "sshd_config"
    conf.write_text(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {key}\nPidFile {work}/sshd.pid\nUsePAM no\n")
    os.makedirs("/run/sshd", exist_ok=True)  # the privilege-separation directory sshd insists on
    version = package_version("openssh-server")
    expected = Service("openssh", port, "tcp", "openssh", version, f"cpe:/a:openbsd:openssh:{version}", "ssh")
    return Daemon([binary("sshd"), "-D", "-e", "-f", str(conf)], port), expected


def _vsftpd(work, port):
    conf = work / "vsftpd.conf"
    conf.write_text(f"listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\nlisten_port={port}\nbackground=NO\n"
                    "anonymous_enable=NO\nlocal_enable=YES\npam_service_name=vsftpd\nseccomp_sandbox=NO\nsecure_chroot_dir=/var/run/vsftpd/empty\n")
    version = package_version("vsftpd")
    expected = Service("vsftpd", port, "tcp", "vsftpd", version, f"cpe:/a:beasts:vsftpd:{version}", "ftp")
    return Daemon([binary("vsftpd"), str(conf)], port), expected


def _redis(work, port):
    argv = [binary("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(work), "--protected-mode", "no"]
    version = package_version("redis-server")
    return Daemon(argv, port), Service("redis", port, "tcp", "redis", version, f"cpe:/a:redis:redis:{version}", "redis")


def _memcached(work, port):
    argv = [binary("memcached"), "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-u", "nobody"]
    version = package_version("memcached")
    expected = Service("memcached", port, "tcp", "memcached", version, f"cpe:/a:memcached:memcached:{version}", "memcached")
    return Daemon(argv, port), expected


def _dnsmasq(work, port):
    argv = [binary("dnsmasq"), "-k", "--conf-file=/dev/null", f"--port={port}", "--listen-address=127.0.0.1",
            "--bind-interfaces", "--no-resolv", "--no-hosts", f"--pid-file={work}/dnsmasq.pid", "--user=nobody",
            "--address=/example.test/192.0.2.1"]
    version = package_version("dnsmasq-base")
    return Daemon(argv, port), Service("dnsmasq", port, "tcp", "dnsmasq", version, f"cpe:/a:thekelleys:dnsmasq:{version}", "dns")


def _snmp_answers(port):
    def ready():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.3)
            s.sendto(bytes.fromhex("302602010104067075626c6963a019020101020100020100300e300c06082b060102010101000500"), ("127.0.0.1", port))
            try:
                return bool(s.recv(2048))
            except OSError:
                return False
    return ready


def _snmpd(work, port):
    conf = work / "snmpd.conf"
    conf.write_text("rocommunity public 127.0.0.1\nsysLocation test rack\nsysContact tests@example.test\n")
    argv = [binary("snmpd"), "-f", "-Lo", "-C", "-c", str(conf), "-p", str(work / "snmpd.pid"),
            "-M", "/usr/share/snmp/mibs", f"udp:127.0.0.1:{port}"]
    version = package_version("snmpd")
    expected = Service("snmpd", port, "udp", "net-snmp", version, f"cpe:/a:net-snmp:net-snmp:{version}", "snmp")
    return Daemon(argv, ready=_snmp_answers(port)), expected


def _exim(work, port):
    # exim writes its spool and logs as its own user: a directory it can reach (tmp_path is root's)
    work = Path(tempfile.mkdtemp(prefix="scan-test-exim-"))
    os.chmod(work, 0o755)
    spool = work / "exim-spool"
    spool.mkdir()
    if os.geteuid() == 0:
        for path in (work, spool):
            shutil.chown(path, "Debian-exim", "Debian-exim")
    conf = work / "exim.conf"
    conf.write_text(f"""
primary_hostname = mail.example.test
spool_directory = {spool}
log_file_path = {work}/exim-%s.log
pid_file_path = {work}/exim.pid
daemon_smtp_ports = {port}
local_interfaces = 127.0.0.1
exim_user = Debian-exim
exim_group = Debian-exim
acl_smtp_rcpt = deny
begin acl
begin routers
begin transports
""")
    version = package_version("exim4-daemon-light")
    argv = [binary("exim4"), "-bdf", "-C", str(conf)]
    daemon = Daemon(argv, port)
    daemon.scratch = work
    return daemon, Service("exim", port, "tcp", "exim", version, f"cpe:/a:exim:exim:{version}", "smtp")


def _postgres(work, port):
    # postgres refuses to run as root, and pytest's tmp_path is private to root: a directory of
    # its own, owned by the postgres user, removed when the daemon stops (see running_services)
    work = Path(tempfile.mkdtemp(prefix="scan-test-pg-"))
    data, sockets = work / "pgdata", work / "pgsock"
    sockets.mkdir()
    if os.geteuid() == 0:
        for path in (work, sockets):
            shutil.chown(path, "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    initdb = f"{PG_BIN}/initdb"
    if not os.access(initdb, os.X_OK):
        binary("initdb")  # skips (or fails in CI)
    subprocess.run([*as_postgres, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],  # noqa: S603
                   check=True, capture_output=True)
    argv = [*as_postgres, f"{PG_BIN}/postgres", "-D", str(data), "-p", str(port), "-k", str(sockets),
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    version = package_version("postgresql-15")
    expected = Service("postgresql", port, "tcp", "postgresql", version, f"cpe:/a:postgresql:postgresql:{version}", "postgresql")
    daemon = Daemon(argv, port, timeout=30)
    daemon.scratch = work
    return daemon, expected


def _telnetd(work, port):
    conf = work / "inetd.conf"
    conf.write_text(f"127.0.0.1:{port} stream tcp nowait root {binary('telnetd')} telnetd\n")
    argv = [binary("inetutils-inetd"), "-d", "-p", str(work / "inetd.pid"), str(conf)]
    expected = Service("telnetd", port, "tcp", "", "", "", "telnet")  # it names nothing before a login
    return Daemon(argv, port), expected


LAUNCHERS = {
    "nginx": _nginx, "openssh": _sshd, "vsftpd": _vsftpd, "redis": _redis, "memcached": _memcached,
    "dnsmasq": _dnsmasq, "snmpd": _snmpd, "exim": _exim, "postgresql": _postgres, "telnetd": _telnetd,
    **MORE_LAUNCHERS,
}
# every service the launchers start, by name: a daemon on several ports or protocols is several
SERVICE_NAMES = {name: [name] for name in LAUNCHERS} | {"dnsmasq": ["dnsmasq", "dnsmasq-udp"]} | MORE_SERVICE_NAMES
ALL_SERVICES = [service for names in SERVICE_NAMES.values() for service in names]


@contextlib.contextmanager
def running_services(work, names=None):
    """Start the named daemons (all by default) in `work`; yields their Service records, one per
    port and protocol (dnsmasq's UDP twin, Dovecot's four ports, BIND's UDP twin)."""
    names = list(names or LAUNCHERS)
    with contextlib.ExitStack() as stack:
        services = []
        for name in names:
            directory = work / name
            directory.mkdir(parents=True, exist_ok=True)
            port = free_port()
            daemon, expected = LAUNCHERS[name](directory, port)
            if getattr(daemon, "scratch", None):
                stack.callback(shutil.rmtree, daemon.scratch, True)
            stack.enter_context(daemon)
            services.extend(expected if isinstance(expected, list) else [expected])
            if name == "dnsmasq":
                services.append(Service("dnsmasq-udp", port, "udp", expected.product, expected.version, expected.cpe, "dns"))
        yield services

"""More real Debian daemons for the detection tests and benchmark (see tests/real_services.py):
Apache, lighttpd, MariaDB, Dovecot (POP3, IMAP and their TLS ports), BIND, OpenLDAP, Squid, HAProxy, Mosquitto (MQTT), NATS and Samba, each on 127.0.0.1
high ports with its own configuration. A launcher returns (daemon, [Service, ...]): one record
per port and protocol the daemon answers on."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.apache_conf import apache_conf
from tests.daemons import Daemon, Service, all_listening, binary, free_port, mariadb_install, package_version
from tests.dovecot_conf import dovecot_conf


def _shared_scratch(prefix: str, owner: str | None = None) -> Path:
    """A directory a daemon's unprivileged user can reach (pytest's tmp_path is private to root);
    running_services removes it."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(work, 0o755)
    if owner and os.geteuid() == 0:
        shutil.chown(work, owner)
    return work


def _apache(work, port):
    work = _shared_scratch("scan-test-apache-")
    (work / "www").mkdir()
    (work / "www" / "index.html").write_text("<html><head><title>It works</title></head></html>\n")
    conf = work / "apache2.conf"
    conf.write_text(apache_conf(work, port, extra="ServerTokens OS\n"))
    version = package_version("apache2")
    daemon = Daemon([binary("apache2"), "-f", str(conf), "-DFOREGROUND"], port)
    daemon.scratch = work
    return daemon, [Service("apache", port, "tcp", "apache", version, f"cpe:/a:apache:http_server:{version}", "http")]


def _lighttpd(work, port):
    (work / "www").mkdir(exist_ok=True)
    (work / "www" / "index.html").write_text("hello\n")
    conf = work / "lighttpd.conf"
    conf.write_text(f"""
server.document-root = "{work}/www"
server.bind = "127.0.0.1"
server.port = {port}
server.pid-file = "{work}/lighttpd.pid"
server.errorlog = "{work}/lighttpd-error.log"
index-file.names = ("index.html")
""")
    version = package_version("lighttpd")
    daemon = Daemon([binary("lighttpd"), "-D", "-f", str(conf)], port)
    return daemon, [Service("lighttpd", port, "tcp", "lighttpd", version, f"cpe:/a:lighttpd:lighttpd:{version}", "http")]


def _mariadb(work, port):
    work = _shared_scratch("scan-test-mariadb-", "mysql")
    data = work / "data"
    as_mysql = ["--user=mysql"] if os.geteuid() == 0 else []
    mariadb_install(data, "--auth-root-authentication-method=socket", "--skip-test-db", "--skip-name-resolve", *as_mysql)
    argv = [binary("mariadbd"), "--no-defaults", f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1",
            f"--socket={work}/mysqld.sock", f"--pid-file={work}/mysqld.pid",
            "--innodb-buffer-pool-size=16M", *as_mysql]  # fmt: skip
    version = package_version("mariadb-server")
    daemon = Daemon(argv, port, timeout=30)
    daemon.scratch = work
    return daemon, [Service("mariadb", port, "tcp", "mariadb", version, f"cpe:/a:mariadb:mariadb:{version}", "mysql")]


def _self_signed(work) -> tuple[Path, Path]:
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(  # noqa: S603
        [binary("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=mail.example.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _dovecot(work, pop3):
    """POP3 and IMAP, in the clear (STARTTLS offered) and on their TLS ports: four services."""
    work = _shared_scratch("scan-test-dovecot-")
    imap, pop3s, imaps = free_port(), free_port(), free_port()
    cert, key = _self_signed(work)
    conf = work / "dovecot.conf"
    conf.write_text(dovecot_conf(work, imap=imap, pop3=pop3, imaps=imaps, pop3s=pop3s,
                                 tls=f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\n"))
    daemon = Daemon([binary("dovecot"), "-F", "-c", str(conf)], ready=all_listening((pop3, imap, pop3s, imaps)))
    daemon.scratch = work
    cpe = "cpe:/a:dovecot:dovecot"  # Dovecot names itself, never its version (nmap neither)
    return daemon, [
        Service("dovecot-pop3", pop3, "tcp", "dovecot", "", cpe, "pop3"),
        Service("dovecot-imap", imap, "tcp", "dovecot", "", cpe, "imap"),
        Service("dovecot-pop3s", pop3s, "tcp", "dovecot", "", cpe, "pop3s"),
        Service("dovecot-imaps", imaps, "tcp", "dovecot", "", cpe, "imaps"),
    ]




def _bind(work, port):
    """named, authoritative only, over TCP and UDP on the same port."""
    conf = work / "named.conf"
    conf.write_text(f"""
options {{
  directory "{work}";
  pid-file "{work}/named.pid";
  session-keyfile "{work}/session.key";
  listen-on port {port} {{ 127.0.0.1; }};
  listen-on-v6 {{ none; }};
  recursion no;
}};
""")
    version = package_version("bind9")
    daemon = Daemon([binary("named"), "-g", "-4", "-c", str(conf)], port)
    cpe = f"cpe:/a:isc:bind:{version}"
    return daemon, [
        Service("bind", port, "tcp", "bind", version, cpe, "dns"),
        Service("bind-udp", port, "udp", "bind", version, cpe, "dns"),
    ]


def _slapd(work, port):
    """OpenLDAP with one empty database: its root DSE names it (objectClass OpenLDAProotDSE)."""
    (work / "db").mkdir(exist_ok=True)
    conf = work / "slapd.conf"
    conf.write_text(f"""
include /etc/ldap/schema/core.schema
pidfile {work}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "dc=example,dc=test"
directory {work}/db
""")
    argv = [binary("slapd"), "-d", "0", "-h", f"ldap://127.0.0.1:{port}/", "-f", str(conf)]
    return Daemon(argv, port), [Service("openldap", port, "tcp", "openldap", "", "cpe:/a:openldap:openldap", "ldap")]


def _squid(work, port):
    work = _shared_scratch("scan-test-squid-", "proxy")
    conf = work / "squid.conf"
    conf.write_text(f"""
http_port 127.0.0.1:{port}
pid_filename {work}/squid.pid
cache_log {work}/cache.log
access_log none
coredump_dir {work}
cache deny all
http_access deny all
shutdown_lifetime 0 seconds
""")
    version = package_version("squid")
    daemon = Daemon([binary("squid"), "-N", "-f", str(conf)], port, timeout=30)
    daemon.scratch = work
    return daemon, [Service("squid", port, "tcp", "squid", version, f"cpe:/a:squid-cache:squid:{version}", "http")]


def _mosquitto(work, port):
    conf = work / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stdout\n")
    version = package_version("mosquitto")
    daemon = Daemon([binary("mosquitto"), "-c", str(conf)], port)
    return daemon, [Service("mosquitto", port, "tcp", "mosquitto", version, f"cpe:/a:eclipse:mosquitto:{version}", "mqtt")]


def _nats(work, port):
    version = package_version("nats-server")
    daemon = Daemon([binary("nats-server"), "-a", "127.0.0.1", "-p", str(port)], port)
    return daemon, [Service("nats", port, "tcp", "nats", version, f"cpe:/a:linuxfoundation:nats-server:{version}", "nats")]


def _haproxy(work, port):
    """An HTTP frontend whose backend has no server: HAProxy's own 503 page, no Server header."""
    conf = work / "haproxy.cfg"
    conf.write_text(f"""
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:{port}
  default_backend down
backend down
""")
    daemon = Daemon([binary("haproxy"), "-db", "-f", str(conf)], port)
    return daemon, [Service("haproxy", port, "tcp", "haproxy", "", "cpe:/a:haproxy:haproxy", "http")]  # it tells no version


def _samba(work, port):
    """smbd, standalone, SMB2 only (Debian's default): it names itself in its SPNEGO token but never
    its version (nmap says "Samba smbd 4.6.2" for every such Samba)."""
    for name in ("lock", "state", "cache", "private", "ncalrpc"):
        (work / name).mkdir(exist_ok=True)
    conf = work / "smb.conf"
    conf.write_text(f"""[global]
  smb ports = {port}
  interfaces = 127.0.0.1
  bind interfaces only = yes
  disable netbios = yes
  server role = standalone server
  workgroup = TEST
  pid directory = {work}
  lock directory = {work}/lock
  state directory = {work}/state
  cache directory = {work}/cache
  private dir = {work}/private
  ncalrpc dir = {work}/ncalrpc
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
""")
    argv = [binary("smbd"), "--foreground", "--no-process-group", "--debug-stdout", "-s", str(conf)]
    return Daemon(argv, port, timeout=30), [Service("samba", port, "tcp", "samba", "", "cpe:/a:samba:samba", "microsoft-ds")]


LAUNCHERS = {"apache": _apache, "lighttpd": _lighttpd, "mariadb": _mariadb, "dovecot": _dovecot, "bind": _bind, "openldap": _slapd, "squid": _squid,
             "mosquitto": _mosquitto, "nats": _nats, "haproxy": _haproxy, "samba": _samba}
# the services each launcher starts, by name (one launcher, several ports or protocols)
SERVICE_NAMES = {
    "dovecot": ["dovecot-pop3", "dovecot-imap", "dovecot-pop3s", "dovecot-imaps"],
    "bind": ["bind", "bind-udp"],
}

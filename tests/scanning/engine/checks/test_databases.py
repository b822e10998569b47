"""Databases and caches open without authentication: each check against the real daemon with the
weakness and the same daemon configured to require authentication (Redis, Memcached,
PostgreSQL), MongoDB and Elasticsearch against protocol-faithful servers (not installable from
Debian), and never against a different service."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from scanning.engine.checks.databases import (
    ElasticsearchWithoutAuthentication,
    MemcachedWithoutAuthentication,
    MongoDBWithoutAuthentication,
    RedisWithoutAuthentication,
)
from scanning.engine.checks.databases_sql import MySQLEmptyRootPassword, PostgreSQLTrustLogin
from tests.daemons import Daemon, binary, free_port, mariadb_install

from ..servers import TcpService
from .certs import make_cert
from .fakes import elasticsearch_handler, mongodb_handler
from .servicechecks import run_check, shared_dir


def redis(tmp, *extra):
    port = free_port()
    argv = [binary("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", tmp, *extra]
    return Daemon(argv, port), port


@pytest.fixture(scope="module")
def redis_servers(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("redis"))
    (open_daemon, open_port), (locked_daemon, locked_port) = redis(tmp), redis(tmp, "--requirepass", "s3cret-Pass")
    with open_daemon, locked_daemon:
        yield open_port, locked_port


@pytest.fixture(scope="module")
def memcached_servers():
    folder = shared_dir()  # memcached reads its auth file after dropping to nobody
    auth = f"{folder}/auth"
    with open(auth, "w") as file:
        file.write("scanner:s3cret\n")
    os.chmod(auth, 0o644)
    open_port, locked_port = free_port(), free_port()
    base = [binary("memcached"), "-U", "0", "-l", "127.0.0.1", "-u", "nobody"]
    try:
        with Daemon([*base, "-p", str(open_port)], open_port), Daemon([*base, "-p", str(locked_port), "-Y", auth], locked_port):
            yield open_port, locked_port
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_redis_without_password_is_reported_with_its_version(redis_servers):
    [finding] = run_check(RedisWithoutAuthentication, redis_servers[0], "redis")
    assert finding.nvt == "CG-6001" and finding.pci_fail and finding.severity == 9.8
    assert "INFO answered without authentication: redis_version:7." in finding.detection


def test_redis_with_requirepass_is_not_open(redis_servers):
    assert run_check(RedisWithoutAuthentication, redis_servers[1], "redis") == []


def test_memcached_without_authentication_is_reported_with_its_stats(memcached_servers):
    [finding] = run_check(MemcachedWithoutAuthentication, memcached_servers[0], "memcached")
    assert finding.nvt == "CG-6002" and finding.pci_fail and finding.severity >= 7.0
    assert re.fullmatch(r"stats answered without authentication: STAT version 1\.[0-9.]+", finding.detection)
    time.sleep(1.1)  # the server's uptime has changed: the evidence has not
    assert run_check(MemcachedWithoutAuthentication, memcached_servers[0], "memcached")[0].detection == finding.detection


def test_memcached_with_ascii_authentication_is_not_open(memcached_servers):
    assert run_check(MemcachedWithoutAuthentication, memcached_servers[1], "memcached") == []


def test_cache_checks_do_not_fire_on_another_service(redis_servers, memcached_servers):
    assert run_check(RedisWithoutAuthentication, memcached_servers[0], "redis", timeout=1) == []
    assert run_check(MemcachedWithoutAuthentication, redis_servers[0], "memcached", timeout=1) == []


# -- PostgreSQL: one initdb, copied, started with trust and with scram-sha-256 ----------------
PG_BIN = "/usr/lib/postgresql/15/bin"


def as_postgres(argv):
    return [binary("setpriv"), "--reuid", "postgres", "--regid", "postgres", "--init-groups", *argv]


def postgres(data, port):
    argv = as_postgres([f"{PG_BIN}/postgres", "-D", data, "-p", str(port), "-k", data, "-c", "listen_addresses=127.0.0.1",
                        "-c", "fsync=off", "-c", "shared_buffers=16MB"])
    return Daemon(argv, port, timeout=30)


@pytest.fixture(scope="module")
def postgres_servers():
    if not os.access(f"{PG_BIN}/initdb", os.X_OK):
        binary("initdb-15")  # skips (fails under CI) with the usual message
    root = shared_dir("postgres")
    try:
        trust, scram = f"{root}/trust", f"{root}/scram"
        subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", trust, "-U", "postgres", "--auth=trust", "-N"]),
                       check=True, capture_output=True, timeout=120)
        subprocess.run(as_postgres(["cp", "-a", trust, scram]), check=True, timeout=60)
        with open(f"{scram}/pg_hba.conf", "w") as hba:
            hba.write("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        tls = {method: tls_cluster(root, trust, method) for method in ("trust", "scram-sha-256")}
        trust_port, scram_port, tls_trust_port, tls_scram_port = (free_port() for _ in range(4))
        with postgres(trust, trust_port), postgres(scram, scram_port), postgres(tls["trust"], tls_trust_port), \
                postgres(tls["scram-sha-256"], tls_scram_port):
            yield trust_port, scram_port, tls_trust_port, tls_scram_port
    finally:
        shutil.rmtree(root, ignore_errors=True)


def tls_cluster(root: str, template: str, method: str) -> str:
    """A copy of `template` with ssl on and only `hostssl` lines for 127.0.0.1 (plain logins refused)."""
    data = f"{root}/hostssl-{method}"
    subprocess.run(as_postgres(["cp", "-a", template, data]), check=True, timeout=60)
    cert, key = make_cert().write(Path(data), "server")
    for path in (cert, key):
        shutil.chown(path, "postgres", "postgres")
    os.chmod(key, 0o600)
    with open(f"{data}/pg_hba.conf", "w") as hba:
        hba.write(f"local all all trust\nhostssl all all 127.0.0.1/32 {method}\n")
    with open(f"{data}/postgresql.conf", "a") as conf:
        conf.write(f"ssl = on\nssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n")
    return data


def test_postgresql_trust_login_is_reported(postgres_servers):
    [finding] = run_check(PostgreSQLTrustLogin, postgres_servers[0], "postgresql")
    assert finding.nvt == "CG-6005" and finding.pci_fail and finding.severity == 9.8
    assert "AuthenticationOk and ReadyForQuery without a password (server_version 15." in finding.detection


def test_postgresql_asking_for_a_password_is_not_reported(postgres_servers):
    assert run_check(PostgreSQLTrustLogin, postgres_servers[1], "postgresql") == []


def test_postgresql_trust_only_over_tls_is_reported(postgres_servers):
    """`hostssl ... trust`: a plain startup is refused (no pg_hba.conf entry), but anyone who asks
    for TLS first is let in as the superuser: TLS does not authenticate the client."""
    [finding] = run_check(PostgreSQLTrustLogin, postgres_servers[2], "postgresql")
    assert "without a password over TLS (SSLRequest) (server_version 15." in finding.detection


def test_postgresql_scram_over_tls_is_not_reported(postgres_servers):
    assert run_check(PostgreSQLTrustLogin, postgres_servers[3], "postgresql") == []


# -- MariaDB: one install, copied; root by unix socket only vs grant tables skipped; and an
# install with mariadb-install-db's defaults (test database and anonymous accounts ''@localhost)
def mariadbd(executable, root, name, port, *extra):
    argv = [executable, "--no-defaults", f"--datadir={root}/{name}", f"--port={port}", "--bind-address=127.0.0.1",
            f"--socket={root}/{name}.sock", "--user=root", "--skip-log-bin", f"--pid-file={root}/{name}.pid",
            "--innodb-buffer-pool-size=8M", *extra]
    return Daemon(argv, port, timeout=30)


@pytest.fixture(scope="module")
def mariadb_servers():
    executable = binary("mariadbd")
    root = shared_dir()
    try:
        mariadb_install(f"{root}/socket_auth", "--user=root", "--auth-root-authentication-method=socket", "--skip-test-db")
        shutil.copytree(f"{root}/socket_auth", f"{root}/no_grants", symlinks=True)
        mariadb_install(f"{root}/anonymous", "--user=root", "--auth-root-authentication-method=socket")
        open_port, locked_port, anonymous_port = free_port(), free_port(), free_port()
        with mariadbd(executable, root, "no_grants", open_port, "--skip-grant-tables"), \
                mariadbd(executable, root, "socket_auth", locked_port), \
                mariadbd(executable, root, "anonymous", anonymous_port):
            yield open_port, locked_port, anonymous_port
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_mariadb_without_grant_tables_lets_root_in_without_password(mariadb_servers):
    [finding] = run_check(MySQLEmptyRootPassword, mariadb_servers[0], "mysql")
    assert finding.nvt == "CG-6006" and finding.pci_fail
    assert finding.detection.startswith("user 'root' logged in with an empty password (OK packet; server 5.5.5-10.")


def test_mariadb_root_by_unix_socket_only_is_not_reported(mariadb_servers):
    assert run_check(MySQLEmptyRootPassword, mariadb_servers[1], "mysql") == []


def test_mariadb_anonymous_account_is_reported(mariadb_servers):
    """Root is by socket only, but the anonymous accounts mariadb-install-db creates (unless
    --skip-test-db) let an empty user name in without a password (nmap's mysql-empty-password
    tries the same two)."""
    [finding] = run_check(MySQLEmptyRootPassword, mariadb_servers[2], "mysql")
    assert finding.detection.startswith("anonymous login (empty user name) logged in with an empty password "
                                        "(OK packet; server 5.5.5-10.")


# -- MongoDB and Elasticsearch: protocol-faithful servers ------------------------------------
@pytest.fixture(scope="module")
def mongodb_servers():
    servers = [TcpService(mongodb_handler(auth=False)), TcpService(mongodb_handler(auth=True))]
    yield [s.port for s in servers]
    for server in servers:
        server.close()


@pytest.fixture(scope="module")
def elasticsearch_servers():
    servers = [TcpService(elasticsearch_handler(auth=False)), TcpService(elasticsearch_handler(auth=True))]
    yield [s.port for s in servers]
    for server in servers:
        server.close()


def test_mongodb_without_access_control_lists_its_databases(mongodb_servers):
    [finding] = run_check(MongoDBWithoutAuthentication, mongodb_servers[0], "mongodb")
    assert finding.nvt == "CG-6003" and finding.pci_fail
    assert finding.detection == "listDatabases answered without authentication: admin, config, customers, local"


def test_mongodb_with_access_control_is_not_open(mongodb_servers):
    assert run_check(MongoDBWithoutAuthentication, mongodb_servers[1], "mongodb") == []


def test_elasticsearch_without_security_is_reported_with_cluster_and_indices(elasticsearch_servers):
    [finding] = run_check(ElasticsearchWithoutAuthentication, elasticsearch_servers[0], "elasticsearch")
    assert finding.nvt == "CG-6004" and finding.pci_fail
    assert finding.detection == ("GET / answered 200 without credentials: cluster_name 'lab-cluster', version 7.17.9; "
                                 "GET /_cat/indices answered 200: customers, orders")


def test_elasticsearch_answering_401_is_not_open(elasticsearch_servers):
    assert run_check(ElasticsearchWithoutAuthentication, elasticsearch_servers[1], "elasticsearch") == []


def test_database_checks_do_not_fire_on_other_services(redis_servers, elasticsearch_servers, mongodb_servers):
    assert run_check(MongoDBWithoutAuthentication, redis_servers[0], "mongodb", timeout=1) == []
    assert run_check(ElasticsearchWithoutAuthentication, mongodb_servers[0], "elasticsearch", timeout=1) == []
    assert run_check(PostgreSQLTrustLogin, elasticsearch_servers[0], "postgresql", timeout=1) == []
    assert run_check(MySQLEmptyRootPassword, redis_servers[0], "mysql", timeout=1) == []

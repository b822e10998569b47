"""Servers that limit connections per client, configured as an admin would (engine/busy.py): the
engine's burst of probe connections must not turn a weakness into an unknown port or a miss, and
the same daemon must give the same findings on every run."""

import asyncio
import time

import pytest

from scanning.engine import ScanPlan, run
from scanning.engine.busy import PortLimits, busy_reply, pause_before_retry
from scanning.engine.services.base import Conn
from tests.scanning.engine.checks import nginx_lab
from tests.scanning.engine.checks.servicechecks import shared_dir
from tests.scanning.engine.checks.test_databases import redis

from .conftest import RecordingReporter

FAMILIES = ("databases", "ssl_tls", "web_servers")


def scan(ports, families=FAMILIES):
    plan = ScanPlan(addresses=["127.0.0.1"], alive_test="consider_alive", use_nmap=False, tcp_ports=sorted(ports),
                    families=families)
    [host] = run(plan, RecordingReporter())
    return host


def fingerprints(host) -> set:
    return {(f.port, f.nvt, f.detection) for f in host.findings}


@pytest.fixture
def redis_two_clients():
    """Redis with `maxclients 2`: a third connection hears "-ERR max number of clients reached"."""
    import shutil

    folder = shared_dir()
    daemon, port = redis(folder, "--maxclients", "2")
    try:
        with daemon:
            yield port
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_redis_at_its_client_limit_is_still_named_and_checked(redis_two_clients):
    host = scan([redis_two_clients], families=("databases",))
    [port] = host.ports
    assert (port.service, port.product) == ("redis", "Redis key-value store")
    assert [f.nvt for f in host.findings] == ["CG-6001"]


@pytest.fixture
def nginx_twelve_connections(tmp_path, monkeypatch):
    """The weak nginx lab (4 ports) with `worker_connections 12`: 4 go to its listeners, a burst
    beyond the other 8 is accepted and closed at once ("12 worker_connections are not enough")."""
    monkeypatch.setattr(nginx_lab, "BASE", nginx_lab.BASE.replace("worker_connections 256", "worker_connections 12"))
    daemon, lab = nginx_lab.start(tmp_path, weak=True)
    with daemon:
        yield lab


def test_nginx_out_of_worker_connections_gives_the_same_findings_every_run(nginx_twelve_connections):
    lab = nginx_twelve_connections
    ports = [lab.tls, lab.http, lab.future, lab.sha1]
    runs = [scan(ports) for _ in range(2)]
    for host in runs:
        assert {p.port: p.service for p in host.ports} == {lab.tls: "https", lab.http: "http", lab.future: "https",
                                                           lab.sha1: "https"}
        assert {"CG-1003", "CG-1007", "CG-1015", "CG-2007"} <= {f.nvt for f in host.findings if f.port == lab.tls}
    assert fingerprints(runs[0]) == fingerprints(runs[1])


@pytest.fixture
def exim_one_connection_per_host():
    """Exim, an open relay with cleartext AUTH PLAIN, with `smtp_accept_max_per_host = 1`: a second
    connection from the same address hears "421 Too many concurrent SMTP connections"."""
    import shutil
    from pathlib import Path

    from tests.daemons import Daemon, binary, free_port
    from tests.scanning.engine.checks.test_mail import EXIM_COMMON, EXIM_PROFILES

    root, port = shared_dir("Debian-exim"), free_port()
    conf = Path(root, "open.conf")
    conf.write_text(EXIM_COMMON.format(root=root, name="open") + "smtp_accept_max_per_host = 1\n" + EXIM_PROFILES["open"])
    try:
        with Daemon([binary("exim4"), "-C", str(conf), "-bdf", "-oX", str(port)], port):
            yield port
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_exim_at_one_connection_per_host_gives_every_finding_every_run(exim_one_connection_per_host):
    runs = [scan([exim_one_connection_per_host], families=("mail",)) for _ in range(2)]
    for host in runs:
        assert [(p.service, p.product) for p in host.ports] == [("smtp", "Exim smtpd")]
        assert sorted(f.nvt for f in host.findings) == ["CG-5001", "CG-5002"]
    assert fingerprints(runs[0]) == fingerprints(runs[1])


@pytest.fixture
def sshd_one_startup():
    """The weak sshd of the check tests with `MaxStartups 1:100:1`: a second unauthenticated
    connection hears "Exceeded MaxStartups" and is closed."""
    import os
    import shutil
    import subprocess

    from tests.daemons import Daemon, binary, free_port
    from tests.scanning.engine.checks.test_remote import WEAK, sshd_config

    root, port = shared_dir(), free_port()
    try:
        subprocess.run([binary("ssh-keygen"), "-q", "-N", "", "-f", f"{root}/rsa1024", "-t", "rsa", "-b", "1024"], check=True)
        conf = sshd_config(root, "weak", ["rsa1024"], WEAK + "MaxStartups 1:100:1\n")
        os.makedirs("/run/sshd", exist_ok=True)
        with Daemon([binary("sshd"), "-D", "-e", "-f", conf, "-p", str(port)], port):
            yield port
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_sshd_at_one_startup_is_named_and_checked_every_run(sshd_one_startup):
    runs = [scan([sshd_one_startup], families=("remote_access",)) for _ in range(2)]
    for host in runs:
        assert [(p.service, p.product) for p in host.ports] == [("ssh", "OpenSSH")]
        assert sorted(f.nvt for f in host.findings) == ["CG-3003", "CG-3004", "CG-3005", "CG-3006"]
    assert fingerprints(runs[0]) == fingerprints(runs[1])


@pytest.mark.parametrize("reply", [
    b"-ERR max number of clients reached\r\n",
    b"421 There are too many connections from your internet address.\r\n",
    b"421 mail.test Too many concurrent SMTP connections from this IP address; please try again later.\r\n",
    b"E\x00\x00\x00\x74SFATAL\x00VFATAL\x00C53300\x00Msorry, too many clients already\x00\x00",
    b"\x17\x00\x00\x00\xff\x10\x04Too many connections",
    b"Exceeded MaxStartups\r\n",
])
def test_busy_replies_are_recognised(reply):
    assert busy_reply(reply)


@pytest.mark.parametrize("reply", [b"+PONG\r\n", b"220 (vsFTPd 3.0.3)\r\n", b"SSH-2.0-OpenSSH_9.2p1\r\n", b""])
def test_ordinary_replies_are_no_turn_away(reply):
    assert not busy_reply(reply)


def test_a_hang_up_counts_as_a_turn_away_only_before_we_spoke_or_on_a_suspect_port():
    conn = Conn(None, None, 1.0, "127.0.0.1")
    conn.hung_up = True
    assert conn.turned_away()
    conn.spoke = True
    assert not conn.turned_away() and conn.turned_away(suspect=True)
    conn.heard = b"HTTP/1.1 400 Bad Request\r\n"
    assert not conn.turned_away(suspect=True)


def test_gentle_bounds_apply_per_port_then_per_host():
    limits = PortLimits(gentle=2, gentle_host=8)
    assert limits.bounds("10.0.0.1", 80) == []
    limits.note("10.0.0.1", 80)
    assert len(limits.bounds("10.0.0.1", 80)) == 1 and limits.bounds("10.0.0.1", 443) == []
    limits.note("10.0.0.1", 443)
    assert len(limits.bounds("10.0.0.1", 443)) == 2 and len(limits.bounds("10.0.0.1", 22)) == 1
    assert limits.bounds("10.0.0.2", 80) == []

    async def most_at_once():
        held = peak = 0

        async def one():
            nonlocal held, peak
            async with limits.gently("10.0.0.1", 80):
                held += 1
                peak = max(peak, held)
                await asyncio.sleep(0.01)
                held -= 1

        await asyncio.gather(*(one() for _ in range(6)))
        return peak

    assert asyncio.run(most_at_once()) == 2


@pytest.fixture
def memcached_thirty_connections():
    """Memcached with `-c 30` (its own descriptors count): a burst hears "ERROR Too many open connections"."""
    from tests.daemons import Daemon, binary, free_port

    port = free_port()
    with Daemon([binary("memcached"), "-U", "0", "-l", "127.0.0.1", "-u", "nobody", "-p", str(port), "-c", "30"], port):
        yield port


def test_a_busy_port_costs_no_time_once_it_is_named(memcached_thirty_connections):
    """The asks that heard "too many connections" stop with the one that named the port: no pause,
    no second try after that (nor a cancellation swallowed by wait_for that keeps them going)."""
    started = time.monotonic()
    host = scan([memcached_thirty_connections], families=("databases",))
    assert [(p.service, p.product) for p in host.ports] == [("memcached", "Memcached")]
    assert [f.nvt for f in host.findings] == ["CG-6002"]
    assert time.monotonic() - started < 2.5  # the probes' time-out is 3 s


def test_no_retry_for_a_task_asked_to_stop():
    async def swallows_its_cancellation_then_retries():
        asyncio.current_task().cancel()
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            pass  # what wait_for in Python 3.11 may do when the cancellation meets a finished read
        await pause_before_retry(5)

    async def main():
        task = asyncio.ensure_future(swallows_its_cancellation_then_retries())
        started = time.monotonic()
        await asyncio.gather(task, return_exceptions=True)
        return task.cancelled(), time.monotonic() - started

    cancelled, seconds = asyncio.run(main())
    assert cancelled and seconds < 1

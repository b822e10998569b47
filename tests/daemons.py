"""Real Debian daemons for scanner tests: each started in the test on 127.0.0.1, a free high port,
with its own configuration in a temporary directory, and stopped at the end.

    with Daemon(["/usr/sbin/nginx", "-c", str(conf), "-g", "daemon off;"], port) as nginx:
        ...scan 127.0.0.1:port...

`.ci/run` installs the packages. Without the binary a test is skipped locally and fails in CI
(CI=true), so a missing install step can never pass silently."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

import pytest

SBIN = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")


def binary(name: str) -> str:
    """The daemon's path; skips the test (fails it under CI) when it is not installed."""
    path = shutil.which(name) or next((f"{d}/{name}" for d in SBIN if os.access(f"{d}/{name}", os.X_OK)), None)
    if path is None:
        message = f"{name} is not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def mariadb_install(datadir, *options: str) -> None:
    """mariadb-install-db into an empty `datadir` (with --no-defaults and `options`). It has exited
    1 now and then on a loaded machine (in CI, and in a full local run, with no output kept): it is
    tried twice, then the failure quotes its output."""
    argv = [binary("mariadb-install-db"), "--no-defaults", f"--datadir={datadir}", *options]
    for _attempt in (1, 2):
        shutil.rmtree(datadir, ignore_errors=True)
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)  # noqa: S603 - argv built here
        if done.returncode == 0:
            return
    raise RuntimeError(f"mariadb-install-db failed ({done.returncode}): {done.stderr[-2000:] or done.stdout[-2000:]}")


def free_port(kind=socket.SOCK_STREAM) -> int:
    """A port free for both TCP and UDP on 127.0.0.1 (DNS and SNMP daemons bind both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
        with socket.socket(socket.AF_INET, other) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


def wait_for_tcp(port: int, host: str = "127.0.0.1", timeout: float = 15.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"daemon exited with {process.returncode}: {_output(process)}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout} s")


def _output(process) -> str:
    try:
        out, _ = process.communicate(timeout=1)
    except subprocess.TimeoutExpired:
        return ""
    return (out or b"").decode(errors="replace")[-2000:]


class Daemon:
    """A foreground daemon process; `ready_port` is a TCP port it listens on once ready (None: a
    UDP-only daemon, given `ready` as a callable that returns True when it answers)."""

    def __init__(self, argv, ready_port=None, ready=None, env=None, cwd=None, timeout=15.0):
        self.argv, self.ready_port, self.ready, self.timeout = argv, ready_port, ready, timeout
        self.env, self.cwd, self.process = env, cwd, None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 - argv built by the test
            self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd,
            start_new_session=True,
        )
        try:
            if self.ready_port is not None:
                wait_for_tcp(self.ready_port, timeout=self.timeout, process=self.process)
            if self.ready is not None:
                deadline = time.monotonic() + self.timeout
                while not self.ready():
                    if self.process.poll() is not None:
                        raise RuntimeError(f"daemon exited with {self.process.returncode}: {_output(self.process)}")
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{self.argv[0]} not ready after {self.timeout} s")
                    time.sleep(0.05)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(5)

    def __exit__(self, *exc):
        self.stop()


@dataclass
class Service:
    name: str
    port: int
    protocol: str
    product: str  # a word the product name must contain (case-insensitive)
    version: str
    cpe: str  # exact, as nmap writes it: cpe:/a:vendor:product:version
    service: str
    extra: dict = field(default_factory=dict)


def package_version(package: str) -> str:
    """Upstream version of an installed Debian package: 1:9.2p1-2+deb12u10 -> 9.2p1."""
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True).stdout  # noqa: S603,S607
    version = re.sub(r"^\d+:", "", out.strip())
    version = re.sub(r"-[^-]*$", "", version)
    return re.sub(r"\+dfsg.*$", "", version)


def all_listening(ports):
    """A `Daemon(ready=...)` test: every one of `ports` on 127.0.0.1 accepts a connection."""
    def ready():
        try:
            for port in ports:
                wait_for_tcp(port, timeout=0.2)
        except RuntimeError:
            return False
        return True

    return ready

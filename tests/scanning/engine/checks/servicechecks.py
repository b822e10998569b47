"""Shared by the service-family check tests: run one check against one port of 127.0.0.1 the way
the checks stage does (a CheckContext over an unrestricted Guard), a module-scoped daemon
starter, and a directory a daemon that drops privileges can use."""

import asyncio
import os
import shutil
import tempfile

from scanning.engine.checks.context import CheckContext
from scanning.engine.guard import Guard
from scanning.engine.types import HostResult, PortResult


def run_check(check_class, port: int, service: str, protocol: str = "tcp", ip: str = "127.0.0.1",
              timeout: float = 3.0, **port_fields):
    """The findings of one check on one port (the PortResult as detection would have named it)."""
    result = PortResult(port, protocol, service=service, **port_fields)
    host = HostResult(ip=ip, ports=[result])
    check = check_class()
    assert check.applies(host, result), f"{check_class.__name__} does not apply to {service}/{protocol}"
    return asyncio.run(check.run(CheckContext(Guard([]), timeout=timeout), host, result))


def shared_dir(owner: str | None = None) -> str:
    """A fresh directory under /tmp that a daemon running as `owner` may write (pytest's tmp
    directories are private to root)."""
    path = tempfile.mkdtemp(prefix="cg-check-", dir="/tmp")
    os.chmod(path, 0o755)
    if owner:
        shutil.chown(path, owner, owner)
    return path

"""End to end: a scan started through the API, run by the real task worker (`manage.py
db_worker`) against a real TCP service on 127.0.0.1 that announces SSH protocol 1
(`SSH-1.99-OpenSSH_3.9p1`), produces an evidenced finding; after the weakness is gone a second
run marks it fixed, and the scan's severity counts and PCI verdict follow.

The check is a test-only one registered here (never in product code), so the test does not
depend on which catalogue checks exist; the engine's checks stage runs it like any other. Where
this branch has no checks stage yet, a stand-in runs the registered checks on each finished host
before the worker stores it, through the same CheckContext a stage would use."""

import asyncio
import contextlib
import importlib.util
import socket

import pytest

from findings.models import Finding
from findings.services import ingest
from scanning.engine.checks import CATALOGUE, Check
from tests.scanning.engine.servers import TcpService, banner
from tests.scanning.test_worker import create_scan, hold, start

from ..scanning.conftest import run_db_worker_batch

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("subscribed")]

NVT = "CG-TEST-E2E-1"


class SshProtocolOne(Check):
    nvt = NVT
    name = "SSH protocol version 1 supported (test check)"
    family = "remote_access"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"
    qod = 80
    pci_fail = True
    summary = "The SSH server still speaks protocol 1."
    solution = "Disable protocol 1."
    solution_type = "Mitigation"
    services = ("ssh",)

    async def run(self, ctx, host, port):
        if port.banner.startswith(("SSH-1.", "SSH-1.99")):
            return [self.finding(port, detection=f"Banner: {port.banner}")]
        return []


@pytest.fixture
def test_check(monkeypatch):
    monkeypatch.setitem(CATALOGUE, NVT, SshProtocolOne)
    if importlib.util.find_spec("scanning.engine.checks.stage") is None:
        monkeypatch.setattr(ingest, "store_hosts", with_checks_run(ingest.store_hosts))
    return SshProtocolOne


def with_checks_run(store_hosts):
    """The stand-in for a checks stage (see the module docstring)."""
    from scanning.engine.checks.context import CheckContext
    from scanning.engine.guard import Guard

    def store(run, hosts):
        families = set(run.scan.scan_profile.families)
        checks = [cls() for cls in CATALOGUE.values() if cls.family in families]

        async def check_all():
            ctx = CheckContext(Guard([]), timeout=3.0)
            for host in hosts:
                for port in host.ports:
                    for check in checks:
                        if check.applies(host, port):
                            host.findings.extend(await check.run(ctx, host, port))

        asyncio.run(check_all())
        store_hosts(run, hosts)

    return store


def stop_listening(service):
    """Close for good: shutdown wakes the accepting thread, so the port can be bound again."""
    with contextlib.suppress(OSError):
        service.sock.shutdown(socket.SHUT_RDWR)
    service.close()


def scan_attributes(client, scan_id):
    return client.get(f"/v2/scans/{scan_id}").json()["data"]["attributes"]


def test_a_weak_service_is_found_then_fixed(api, world, test_check):
    weak = TcpService(banner(b"SSH-1.99-OpenSSH_3.9p1\r\n"))
    port = weak.port
    client = api.as_user(world.user)
    scan_id = create_scan(client, "127.0.0.1", f"T:{port}")
    try:
        first = start(client, scan_id)
        run_db_worker_batch()
    finally:
        stop_listening(weak)

    run = client.get(f"/v2/scans/{scan_id}/histories/{first}").json()["data"]["attributes"]
    assert run["status"] == "done", run
    assert run["pci_status"] == "fail" and run["severity_counts"]["high"] >= 1
    assert run["delta"]["new"] >= 1 and run["delta"]["fixed"] == 0
    finding = Finding.objects.get(nvt=NVT)
    assert (finding.ip, finding.port, finding.status, finding.severity_level) == ("127.0.0.1", port, "new", "high")
    assert finding.detection == "Banner: SSH-1.99-OpenSSH_3.9p1" and finding.pci_fail
    scan = scan_attributes(client, scan_id)
    assert (scan["pci_status"], scan["severity_counts"]) == ("fail", run["severity_counts"])

    # The weakness is removed: the same port now answers without SSH protocol 1.
    fixed_service = TcpService(hold(5), port=port)
    try:
        second = start(client, scan_id)
        run_db_worker_batch()
    finally:
        stop_listening(fixed_service)

    run = client.get(f"/v2/scans/{scan_id}/histories/{second}").json()["data"]["attributes"]
    assert run["status"] == "done", run
    finding.refresh_from_db()
    assert finding.status == "fixed" and finding.fixed_at is not None
    assert run["delta"]["fixed"] >= 1 and run["delta"]["new"] == 0
    assert run["pci_status"] == "pass" and run["severity_counts"]["high"] == 0
    scan = scan_attributes(client, scan_id)
    assert (scan["pci_status"], scan["severity_counts"]) == ("pass", run["severity_counts"])
    reports = client.get("/v2/reports", {"q[scan_id]": scan_id}).json()["data"]
    assert sorted(r["attributes"]["pci_status"] for r in reports) == ["fail", "pass"]  # one report per finished run

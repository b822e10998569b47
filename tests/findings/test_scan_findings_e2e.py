"""End to end: a scan started through the API, run by the real task worker (`manage.py
db_worker`) against a real TCP service on 127.0.0.1 that announces SSH protocol 1
(`SSH-1.99-OpenSSH_3.9p1`), produces an evidenced finding; after the weakness is gone a second
run marks it fixed, and the scan's severity counts and PCI verdict follow.

The finding comes from the real catalogue check CG-3002 (SSH protocol 1), run by the engine's
checks stage in the worker."""

import contextlib
import socket

import pytest

from findings.models import Finding
from tests.scanning.engine.servers import TcpService, banner
from tests.scanning.test_worker import create_scan, hold, start

from ..scanning.conftest import run_db_worker_batch

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("subscribed")]

NVT = "CG-3002"  # SSH protocol 1 supported (docs/checks.md)


def stop_listening(service):
    """Close for good: shutdown wakes the accepting thread, so the port can be bound again."""
    with contextlib.suppress(OSError):
        service.sock.shutdown(socket.SHUT_RDWR)
    service.close()


def scan_attributes(client, scan_id):
    return client.get(f"/v2/scans/{scan_id}").json()["data"]["attributes"]


def test_a_weak_service_is_found_then_fixed(api, world):
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
    assert "SSH-1.99-OpenSSH_3.9p1" in finding.detection
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

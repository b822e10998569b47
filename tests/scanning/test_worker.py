"""Real scans: services started on 127.0.0.1 in the test, a scan started through the API, and the
real task worker (`manage.py db_worker`) running the engine against them."""

import time

import pytest
from django.utils import timezone

from scanning.models import Scan, ScanRun
from tests.scanning.engine.servers import (
    FTP_BANNER,
    SSH_BANNER,
    TcpService,
    banner,
    closed_port,
    http,
    self_signed_context,
    tls,
)

from .conftest import WorkerThread, run_db_worker_batch, run_status, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("subscribed")]


def hold(seconds):
    """Accepts and never says a word (the connection stays open for `seconds`)."""

    def handle(_conn, service):
        service.closed.wait(seconds)

    return handle


@pytest.fixture
def services():
    context, _cert = self_signed_context()
    started = {
        "http": TcpService(http()),
        "tls": TcpService(tls(http(), context)),
        "ssh": TcpService(banner(SSH_BANNER)),
        "ftp": TcpService(banner(FTP_BANNER)),
        "silent": TcpService(hold(30)),
    }
    yield started
    for service in started.values():
        service.close()


def create_scan(client, hosts, port_ranges, **scan_fields):
    port_list = client.post("/v2/port_lists", {"port_list": {"name": "Test ports", "port_ranges": port_ranges}})
    assert port_list.status_code == 201, port_list.content
    target = client.post("/v2/targets", {"target": {"name": "Local", "hosts": hosts, "alive_test": "consider_alive",
                                                    "port_list_id": port_list.json()["data"]["id"]}})
    assert target.status_code == 201, target.content
    scan = client.post("/v2/scans", {"scan": {"name": "Local scan", "target_id": target.json()["data"]["id"], **scan_fields}})
    assert scan.status_code == 201, scan.content
    return scan.json()["data"]["id"]


def start(client, scan_id):
    response = client.post(f"/v2/scans/{scan_id}/start")
    assert response.status_code == 200, response.content
    run = response.json()["data"]
    assert run["attributes"]["status"] == "queued"  # committed, then handed to the task queue
    return run["id"]


@pytest.fixture(params=["builtin", "nmap"])
def detection(request, settings):
    """Service detection by the engine alone, and refined by `nmap -sV` (CI installs nmap)."""
    import os
    import shutil

    settings.SCAN_USE_NMAP = request.param == "nmap"
    if settings.SCAN_USE_NMAP and not shutil.which("nmap"):
        if os.environ.get("CI"):
            pytest.fail("nmap is not installed (.ci/run installs it)")
        pytest.skip("nmap is not installed")
    return request.param


def test_a_scan_through_the_api_with_the_real_worker(api, world, services, detection):
    closed = closed_port()
    ports = {name: service.port for name, service in services.items()}
    client = api.as_user(world.user)
    scan_id = create_scan(client, "127.0.0.1", "T:" + ",".join(str(p) for p in [*ports.values(), closed]))
    run_id = start(client, scan_id)

    started = time.monotonic()
    run_db_worker_batch()
    elapsed = time.monotonic() - started

    run = client.get(f"/v2/scans/{scan_id}/histories/{run_id}").json()["data"]["attributes"]
    assert run["status"] == "done", run
    assert (run["progress"], run["partial"], run["error"]) == (100, False, None)
    assert run["host_count"] == 1 and run["hosts_alive"] == 1
    assert run["started_at"] and run["finished_at"] and run["duration_seconds"] >= 0
    scan = client.get(f"/v2/scans/{scan_id}").json()["data"]["attributes"]
    assert (scan["status"], scan["progress"], scan["run_count"]) == ("done", 100, 1)

    hosts = client.get(f"/v2/scans/{scan_id}/hosts").json()
    assert [h["attributes"]["ip"] for h in hosts["data"]] == ["127.0.0.1"]
    found = {p["port"]: p for p in hosts["data"][0]["attributes"]["ports"]}
    assert set(found) == set(ports.values()), f"open ports found: {sorted(found)}; closed {closed} must be absent"
    assert found[ports["http"]]["service"] == "http" and found[ports["http"]]["tls"] is False
    if detection == "builtin":  # nmap -sV names products its own way
        assert (found[ports["http"]]["product"], found[ports["http"]]["version"]) == ("nginx", "1.18.0")
    assert found[ports["tls"]]["tls"] is True and found[ports["tls"]]["service"] == "https"
    assert found[ports["ssh"]]["service"] == "ssh" and "OpenSSH" in found[ports["ssh"]]["product"]
    assert found[ports["ftp"]]["service"] == "ftp" and "vsftpd" in found[ports["ftp"]]["product"].lower()
    assert found[ports["silent"]]["service"] == "unknown"
    assert all(p["protocol"] == "tcp" for p in found.values())
    host_id = hosts["data"][0]["id"]
    assert client.get(f"/v2/scans/{scan_id}/hosts/{host_id}").json()["data"]["attributes"]["ports"]
    assert elapsed < 60, f"a 6-port scan of one host took {elapsed:.1f}s"


def test_stop_mid_scan(api, world, services, settings):
    settings.SCAN_HEARTBEAT_INTERVAL = 0.5
    client = api.as_user(world.user)
    # 16 addresses x every TCP port: minutes of work, stopped after a second of it.
    scan_id = create_scan(client, "127.0.0.1-16", "T:1-65535")
    run_id = start(client, scan_id)
    with WorkerThread():
        wait_for(lambda: run_status(run_id) == "running", message="the worker to take the run")
        first_heartbeat = ScanRun.objects.get(pk=run_id).heartbeat_at
        time.sleep(1.5)
        assert ScanRun.objects.get(pk=run_id).heartbeat_at > first_heartbeat, "the worker heartbeats its run"
        response = client.post(f"/v2/scans/{scan_id}/stop")
        assert response.status_code == 200
        assert response.json()["data"]["attributes"]["status"] == "stop_requested"
        asked = time.monotonic()
        wait_for(lambda: run_status(run_id) == "stopped", timeout=15, message="the run to stop")
        took = time.monotonic() - asked
    assert took < 5, f"the stop took {took:.1f}s"
    run = ScanRun.objects.get(pk=run_id)
    assert run.partial and run.finished_at and run.error == "Stopped on request"
    assert 0 < run.progress < 100
    assert Scan.objects.get(pk=scan_id).status == "stopped"
    assert client.get(f"/v2/scans/{scan_id}/histories/{run_id}").json()["data"]["attributes"]["partial"] is True
    assert client.post(f"/v2/scans/{scan_id}/stop").status_code == 409


def test_schedule_duration_stops_the_run(api, world):
    client = api.as_user(world.user)
    schedule = client.post("/v2/schedules", {"name": "Window", "start_at": "2030-01-01T00:00:00Z", "timezone": "UTC",
                                             "frequency": "daily", "duration": 1})
    scan_id = create_scan(client, "127.0.0.1-16", "T:1-65535", schedule_id=schedule.json()["data"]["id"])
    run_id = start(client, scan_id)
    run = ScanRun.objects.get(pk=run_id)
    assert abs((run.deadline_at - run.created_at).total_seconds() - 60) < 5  # duration: 1 minute
    ScanRun.objects.filter(pk=run_id).update(deadline_at=timezone.now() + timezone.timedelta(seconds=2))
    with WorkerThread():
        wait_for(lambda: run_status(run_id) not in ("queued", "running"), timeout=30, message="the deadline")
    run.refresh_from_db()
    assert run.status == "interrupted"
    assert "duration" in run.error
    assert run.partial and run.finished_at <= run.deadline_at + timezone.timedelta(seconds=5)


def test_a_run_stopped_before_a_worker_took_it_is_never_scanned(api, world, services):
    client = api.as_user(world.user)
    scan_id = create_scan(client, "127.0.0.1", f"T:{services['http'].port}")
    run_id = start(client, scan_id)
    assert client.post(f"/v2/scans/{scan_id}/stop").json()["data"]["attributes"]["status"] == "stopped"
    run_db_worker_batch()
    assert run_status(run_id) == "stopped"
    assert services["http"].accepted == 0
    assert ScanRun.objects.get(pk=run_id).started_at is None

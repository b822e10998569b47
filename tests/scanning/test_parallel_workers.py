"""Scans in parallel with the worker set-up of scripts/run.sh (real db_worker processes): two
scans run at once, a third past the plan's concurrent_scans (2 for pci-standard) waits `queued`
and runs when a slot frees up, and the default queue has a worker of its own."""

import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanning.models import ScanRun

from .conftest import database_url, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("subscribed")]

BASE_DIR = Path(__file__).resolve().parents[2]


def run_sh_worker_commands(scan_workers: int) -> list[list[str]]:
    out = subprocess.run(["bash", "-c", ". scripts/lib/workers.sh; worker_commands"], cwd=BASE_DIR, check=True,  # noqa: S607
                         capture_output=True, text=True, env={**os.environ, "SCAN_WORKERS": str(scan_workers)}).stdout
    commands = [shlex.split(line) for line in out.splitlines() if line.strip()]
    return [[sys.executable if word == "python" else word for word in command] for command in commands]


@pytest.fixture
def workers():
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "SCAN_BLOCKED_NETWORKS": "", "SCAN_USE_NMAP": "false", "PYTHONUNBUFFERED": "1"}
    commands = run_sh_worker_commands(scan_workers=3)
    processes = [subprocess.Popen([*command, "--interval", "0.2", "--no-startup-delay"], cwd=BASE_DIR, env=env,  # noqa: S603
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for command in commands]
    yield commands, processes
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def slow_service():
    """A port that accepts and never speaks: each scan's service detection waits its time-out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server.getsockname()[1]
    server.close()


def statuses(run_ids):
    found = {str(pk): status for pk, status in ScanRun.objects.filter(pk__in=run_ids).values_list("pk", "status")}
    return [found[pk] for pk in run_ids]


def test_two_scans_run_at_once_and_the_third_waits_its_turn(api, world, workers, slow_service):
    commands, _processes = workers
    assert [c[3:5] for c in commands] == [["--queue-name", "default"]] + [["--queue-name", "*"]] * 3
    client = api.as_user(world.user)
    ports = client.post("/v2/port_lists", {"name": "One", "port_ranges": f"T:{slow_service}"}).json()["data"]["id"]
    target = client.post("/v2/targets", {"name": "Local", "hosts": "127.0.0.1", "alive_test": "consider_alive",
                                         "port_list_id": ports}).json()["data"]["id"]
    scans = [client.post("/v2/scans", {"name": f"s{i}", "target_id": target}).json()["data"]["id"] for i in range(3)]
    runs = [client.post(f"/v2/scans/{scan}/start").json()["data"]["id"] for scan in scans]

    wait_for(lambda: statuses(runs)[:2] == ["running", "running"], timeout=60, message="two runs running together")
    assert statuses(runs)[2] == "queued"  # three scan workers are idle-able, but the plan allows two
    assert ScanRun.objects.get(pk=runs[2]).dispatched_at is None
    started = time.monotonic()
    wait_for(lambda: statuses(runs) == ["done"] * 3, timeout=90, message="all three runs done")
    first, second, third = (ScanRun.objects.get(pk=pk) for pk in runs)
    assert third.started_at >= min(first.finished_at, second.finished_at)  # it waited for a slot
    assert first.started_at < second.finished_at and second.started_at < first.finished_at  # overlapped
    assert time.monotonic() - started < 60

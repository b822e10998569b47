"""A worker process killed mid-scan (kill -9): its run is interrupted by the reconciler once the
heartbeat is older than SCAN_HEARTBEAT_TIMEOUT, with an error saying why. No run stays running."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from scanning.models import Scan, ScanRun
from scanning.services.runs import interrupt_stale_runs

from .conftest import database_url, run_status, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("subscribed")]

BASE_DIR = Path(__file__).resolve().parents[2]


def worker_process():
    """`manage.py db_worker` in its own process, on this test's database."""
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "SCAN_BLOCKED_NETWORKS": "", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay", "--no-reload",
         "--interval", "0.2", "--worker-id", "killed-worker-test"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def test_killed_worker_is_interrupted_by_the_reconciler(api, world):
    client = api.as_user(world.user)
    ports = client.post("/v2/port_lists", {"name": "All", "port_ranges": "T:1-65535"}).json()["data"]["id"]
    target = client.post("/v2/targets", {"name": "Local", "hosts": "127.0.0.1-16", "alive_test": "consider_alive",
                                         "port_list_id": ports}).json()["data"]["id"]
    scan_id = client.post("/v2/scans", {"name": "Long", "target_id": target}).json()["data"]["id"]
    run_id = client.post(f"/v2/scans/{scan_id}/start").json()["data"]["id"]

    process = worker_process()
    try:
        try:
            wait_for(lambda: run_status(run_id) == "running" or process.poll() is not None, timeout=60,
                     message="the worker process to take the run")
        except AssertionError:
            process.kill()
            raise AssertionError(process.communicate()[0].decode()[-3000:]) from None
        assert process.poll() is None, process.communicate()[0].decode()[-3000:]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL

    run = ScanRun.objects.get(pk=run_id)
    assert run.status == "running" and run.worker.endswith(f":{process.pid}")
    assert interrupt_stale_runs() == []  # the heartbeat is still fresh

    later = run.heartbeat_at + timezone.timedelta(seconds=settings.SCAN_HEARTBEAT_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        interrupted = interrupt_stale_runs()
    assert [str(r.pk) for r in interrupted] == [run_id]
    run.refresh_from_db()
    assert run.status == "interrupted"
    assert run.error == "The worker stopped reporting (heartbeat lost)"
    assert run.partial and run.finished_at == later
    assert Scan.objects.get(pk=scan_id).status == "interrupted"
    history = client.get(f"/v2/scans/{scan_id}/histories/{run_id}").json()["data"]["attributes"]
    assert (history["status"], history["error"]) == ("interrupted", "The worker stopped reporting (heartbeat lost)")
    assert client.post(f"/v2/scans/{scan_id}/start").status_code == 200  # the scan can run again

"""The RQ/Redis task backend (TASK_BACKEND=rq): a scan started through the API goes to Redis
through the django.tasks interface and a real RQ worker runs it. Needs the local Redis
(REDIS_URL); skipped without one, except in CI, where a missing Redis is a failure."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from scanning.models import ScanRun
from tests.scanning.engine.servers import TcpService, http

from .conftest import database_url
from .factories import PortListFactory, ScanFactory, ScannerFactory, TargetFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("subscribed")]

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url(settings):
    import redis

    url = settings.REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url} in CI: {exc}")
        pytest.skip(f"Redis is not reachable at {url}")
    return url


@pytest.fixture
def rq_queue(settings, redis_url):
    """The RQ backend as `default`, with a queue of this test's own (other runs share the Redis)."""
    import django_rq

    name = f"scans-test-{uuid.uuid4().hex[:10]}"
    settings.RQ_QUEUES = {queue: {"URL": redis_url, "DEFAULT_TIMEOUT": 600} for queue in ("default", "scans", name)}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": []}}
    settings.SCAN_USE_NMAP = False
    yield name
    django_rq.get_queue(name).delete(delete_jobs=True)


@pytest.fixture
def web():
    service = TcpService(http())
    yield service
    service.close()


def queued_scan(api, world, queue_name, web):
    scanner = ScannerFactory(organization=world.customer, name="Redis scanner", queue_name=queue_name)
    ports = PortListFactory(organization=world.customer, port_ranges=f"T:{web.port}", tcp_count=1)
    target = TargetFactory(organization=world.customer, hosts="127.0.0.1", port_list=ports, alive_test="consider_alive")
    scan = ScanFactory(organization=world.customer, target=target, scanner=scanner)
    response = api.as_user(world.user).post(f"/v2/scans/{scan.pk}/start")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"]["status"] == "queued"
    return scan, response.json()["data"]["id"]


def assert_scanned(run_id, web):
    run = ScanRun.objects.get(pk=run_id)
    assert run.status == "done", (run.status, run.error)
    host = run.hosts.get()
    assert [(p["port"], p["service"]) for p in host.ports] == [(web.port, "http")]


def test_a_scan_runs_on_an_rq_worker(api, world, rq_queue, web):
    import django_rq
    from django_tasks import TaskResultStatus, task_backends
    from django_tasks_rq import Job
    from rq import SimpleWorker

    _scan, run_id = queued_scan(api, world, rq_queue, web)
    queue = django_rq.get_queue(rq_queue, job_class=Job)
    assert queue.count == 1
    job_id = queue.job_ids[0]
    assert task_backends["default"].get_result(job_id).status == TaskResultStatus.READY

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)
    assert_scanned(run_id, web)
    result = task_backends["default"].get_result(job_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == run_id


def test_rqworker_command_with_the_rq_setting(api, world, rq_queue, redis_url, web):
    """`TASK_BACKEND=rq manage.py rqworker`, configured from the environment alone."""
    _scan, run_id = queued_scan(api, world, rq_queue, web)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
           "TASK_BACKEND": "rq", "REDIS_URL": redis_url, "RQ_QUEUE_NAMES": f"default,scans,{rq_queue}",
           "SCAN_BLOCKED_NETWORKS": "", "SCAN_USE_NMAP": "false"}
    done = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job", rq_queue],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert_scanned(run_id, web)


def test_a_queue_rq_does_not_know_interrupts_the_run(api, world, rq_queue, web):
    """The start has committed: a refused enqueue must not leave the run `requested` for hours."""
    scanner = ScannerFactory(organization=world.customer, queue_name="nowhere")
    scan = ScanFactory(organization=world.customer, scanner=scanner)
    response = api.as_user(world.user).post(f"/v2/scans/{scan.pk}/start")
    assert response.status_code == 200, response.content
    run = response.json()["data"]["attributes"]
    assert run["status"] == "interrupted"
    assert "nowhere" in run["error"]
    assert api.as_user(world.user).get(f"/v2/scans/{scan.pk}").json()["data"]["attributes"]["status"] == "interrupted"

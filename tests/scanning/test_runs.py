"""The run lifecycle in the services: claim, finish, failures, the reconciler, and the events
each transition emits (scanning.md, Scan lifecycle)."""

import pytest
from django.utils import timezone

from config.api.errors import Conflict
from scanning.models import Scan, ScanRun
from scanning.services import execution
from scanning.services.runs import interrupt_stale_runs, start_scan, stop_scan

from .factories import PortListFactory, ScanFactory, ScanRunFactory, TargetFactory

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def events(monkeypatch):
    """The events scanning emits, as (name, scan id, data)."""
    seen = []
    monkeypatch.setattr("scanning.services.common.emit",
                        lambda name, resource, actor=None, organization=None, **data: seen.append((name, resource.pk, data)))
    return seen


@pytest.fixture
def local_scan(world, settings):
    """A scan of one closed port on 127.0.0.1: a real engine run that takes a moment."""
    from tests.scanning.engine.servers import closed_port

    settings.SCAN_USE_NMAP = False
    settings.SCAN_HEARTBEAT_INTERVAL = 3600  # the heartbeat thread must not wait on the test's transaction
    ports = PortListFactory(organization=world.customer, port_ranges=f"T:{closed_port()}", tcp_count=1)
    target = TargetFactory(organization=world.customer, hosts="127.0.0.1", port_list=ports, alive_test="consider_alive")
    return ScanFactory(organization=world.customer, target=target)


def run_now(scan, capture):
    with capture(execute=True):
        run = start_scan(scan, None)
    with capture(execute=True):
        execution.execute_run(run.pk, worker="test:1")
    run.refresh_from_db()
    return run


def test_a_run_from_start_to_done(local_scan, events, django_capture_on_commit_callbacks):
    run = run_now(local_scan, django_capture_on_commit_callbacks)
    assert run.status == "done" and run.progress == 100 and not run.partial
    assert run.worker == "test:1" and run.started_at and run.finished_at and run.queued_at
    assert run.host_count == 1 and run.hosts_alive == 1
    host = run.hosts.get()
    assert (host.ip, host.alive, host.ports) == ("127.0.0.1", True, [])
    scan = Scan.objects.get(pk=local_scan.pk)
    assert (scan.status, scan.progress, scan.last_history_id) == ("done", 100, run.pk)
    assert [name for name, _pk, _data in events] == ["scan_started", "scan_completed"]
    assert all(pk == local_scan.pk and data["run_id"] == str(run.pk) for _n, pk, data in events)


def test_an_engine_error_interrupts_the_run(local_scan, events, monkeypatch, django_capture_on_commit_callbacks):
    def broken(plan, reporter):
        raise RuntimeError("socket table full")

    monkeypatch.setattr("scanning.engine.run", broken)
    run = run_now(local_scan, django_capture_on_commit_callbacks)
    assert run.status == "interrupted" and run.partial
    assert run.error == "Scan engine error: RuntimeError: socket table full"
    assert Scan.objects.get(pk=local_scan.pk).status == "interrupted"
    assert [name for name, _pk, _data in events] == ["scan_started", "scan_failed"]
    assert events[-1][2]["error"] == run.error


def test_a_target_now_blocked_interrupts_the_run(local_scan, settings, django_capture_on_commit_callbacks):
    settings.SCAN_BLOCKED_NETWORKS = "127.0.0.0/8"
    run = run_now(local_scan, django_capture_on_commit_callbacks)
    assert run.status == "interrupted"
    assert run.error.startswith("Target no longer valid") and "127.0.0.1" in run.error
    assert not run.hosts.exists()


def test_a_run_is_claimed_once(local_scan, django_capture_on_commit_callbacks):
    run = run_now(local_scan, django_capture_on_commit_callbacks)
    assert execution.execute_run(run.pk, worker="late:2") is None  # already done
    assert ScanRun.objects.get(pk=run.pk).worker == "test:1"
    assert execution.execute_run("7d4f1c2e-0b6a-4c8e-9f3a-5e2d1b0c9a87") is None  # deleted meanwhile


def test_stop_before_a_worker_took_it(local_scan, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_scan(local_scan, None)
        stop_scan(local_scan, None)
    assert execution.execute_run(run.pk) is None
    run.refresh_from_db()
    assert run.status == "stopped" and run.started_at is None and run.partial
    assert [name for name, _pk, _data in events] == ["scan_stopped"]
    with pytest.raises(Conflict):
        stop_scan(local_scan, None)


def test_a_stop_requested_before_the_engine_starts_stops_the_run(local_scan, events, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = start_scan(local_scan, None).pk
    real_claim = execution.claim

    def claim_then_stop(run_id, worker):
        claimed = real_claim(run_id, worker)
        stop_scan(claimed.scan, None)  # the user's stop lands right after the worker took the run
        return claimed

    monkeypatch.setattr(execution, "claim", claim_then_stop)
    with django_capture_on_commit_callbacks(execute=True):
        execution.execute_run(run_id)
    run = ScanRun.objects.get(pk=run_id)
    assert (run.status, run.error, run.partial) == ("stopped", "Stopped on request", True)
    assert [name for name, _pk, _data in events][-1] == "scan_stopped"


def test_reconciler(world, events, settings, django_capture_on_commit_callbacks):
    now = timezone.now()
    stale = timezone.timedelta(seconds=settings.SCAN_HEARTBEAT_TIMEOUT + 1)
    lost = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="running", heartbeat_at=now - stale)
    stopping = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="stop_requested", heartbeat_at=now - stale)
    healthy = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="running", heartbeat_at=now)
    waiting = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="queued")
    forgotten = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="queued")
    ScanRun.objects.filter(pk=forgotten.pk).update(created_at=now - timezone.timedelta(seconds=settings.SCAN_QUEUE_TIMEOUT + 1))
    with django_capture_on_commit_callbacks(execute=True):
        interrupted = interrupt_stale_runs(now)
    assert {r.pk for r in interrupted} == {lost.pk, stopping.pk, forgotten.pk}
    statuses = dict(ScanRun.objects.values_list("pk", "status"))
    assert statuses[healthy.pk] == "running" and statuses[waiting.pk] == "queued"
    assert ScanRun.objects.get(pk=lost.pk).error == "The worker stopped reporting (heartbeat lost)"
    assert ScanRun.objects.get(pk=forgotten.pk).error == "No worker picked the run up in time"
    assert Scan.objects.get(pk=lost.scan_id).status == "interrupted"
    assert sorted(name for name, _pk, _data in events) == ["scan_failed"] * 3
    assert interrupt_stale_runs(now) == []


def test_an_old_run_does_not_overwrite_the_scans_status(world):
    scan = ScanFactory(organization=world.customer)
    old = ScanRunFactory(scan=scan, status="running", heartbeat_at=timezone.now() - timezone.timedelta(days=1))
    ScanRunFactory(scan=scan, status="done")  # the scan's latest run
    interrupt_stale_runs()
    assert ScanRun.objects.get(pk=old.pk).status == "interrupted"
    assert Scan.objects.get(pk=scan.pk).status == "done"


def test_schedule_duration_sets_the_deadline(world):
    from .factories import ScheduleFactory

    scan = ScanFactory(organization=world.customer, schedule=ScheduleFactory(organization=world.customer, duration=90))
    run = start_scan(scan, None)
    assert abs((run.deadline_at - timezone.now()).total_seconds() - 90 * 60) < 5
    assert start_scan(ScanFactory(organization=world.customer), None).deadline_at is None

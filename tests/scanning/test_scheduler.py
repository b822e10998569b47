"""The scheduler starts scheduled scans at their time: DST-correct, a missed time once (never a
burst), exactly once with several schedulers, and `manage.py run_scheduler`."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, connections

from scanning.models import Scan, ScanRun, Schedule
from scanning.services.scheduler import start_due_scans

from .conftest import _kept_signal_handlers
from .factories import ScanFactory, ScheduleFactory

pytestmark = pytest.mark.usefixtures("subscribed")


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def tick(at):
    """One scheduler pass at `at`; earlier runs are finished first, as a worker would have."""
    ScanRun.objects.update(status="done")
    with time_machine.travel(at, tick=False):
        return start_due_scans()


def scheduled_scan(api, user, when, **schedule):
    with time_machine.travel(when, tick=False):
        client = api.as_user(user)  # a token issued "then"
        body = {"name": "Daily", "timezone": "Europe/Athens", "frequency": "daily", **schedule}
        response = client.post("/v2/schedules", body)
        assert response.status_code == 201, response.content
        target = client.post("/v2/targets", {"name": "t", "hosts": "192.0.2.1"}).json()["data"]["id"]
        scan = client.post("/v2/scans", {"name": "s", "target_id": target, "schedule_id": response.json()["data"]["id"]})
    return Scan.objects.get(pk=scan.json()["data"]["id"])


def next_run(scan):
    scan.refresh_from_db()
    assert scan.next_run_at == scan.schedule.__class__.objects.get(pk=scan.schedule_id).next_run_at
    return scan.next_run_at


def test_daily_0900_athens_across_the_autumn_change(api, world):
    """EEST (UTC+3) until 26 Oct 2025 04:00 local, then EET (UTC+2): 09:00 is 06:00Z, then 07:00Z."""
    scan = scheduled_scan(api, world.user, utc("2025-10-20T12:00:00"), start_at="2025-10-24T09:00:00")
    assert next_run(scan) == utc("2025-10-24T06:00:00")
    assert tick(utc("2025-10-24T05:59:59")) == []
    started = tick(utc("2025-10-24T06:00:00"))
    assert [r.scan_id for r in started] == [scan.pk]
    assert started[0].triggered_by == "schedule"
    assert next_run(scan) == utc("2025-10-25T06:00:00")
    assert len(tick(utc("2025-10-25T06:00:05"))) == 1
    assert next_run(scan) == utc("2025-10-26T07:00:00")  # the change: 09:00 EET
    assert tick(utc("2025-10-26T06:00:00")) == []  # 06:00Z is 08:00 local now
    assert len(tick(utc("2025-10-26T07:00:00"))) == 1
    assert next_run(scan) == utc("2025-10-27T07:00:00")
    assert ScanRun.objects.filter(scan=scan).count() == 3


def test_daily_0900_athens_across_the_spring_change(api, world):
    """EET (UTC+2) until 29 Mar 2026 03:00 local, then EEST (UTC+3): 07:00Z, then 06:00Z."""
    scan = scheduled_scan(api, world.user, utc("2026-03-25T12:00:00"), start_at="2026-03-28T09:00:00")
    assert len(tick(utc("2026-03-28T07:00:00"))) == 1
    assert next_run(scan) == utc("2026-03-29T06:00:00")
    assert len(tick(utc("2026-03-29T06:00:00"))) == 1
    assert next_run(scan) == utc("2026-03-30T06:00:00")


def test_a_missed_time_starts_once_never_a_burst(api, world):
    scan = scheduled_scan(api, world.user, utc("2025-01-01T00:00:00"), start_at="2025-01-02T09:00:00", timezone="UTC")
    # The platform was down from 1 to 5 January: four occurrences missed.
    assert len(tick(utc("2025-01-05T12:00:00"))) == 1
    assert next_run(scan) == utc("2025-01-06T09:00:00")
    assert tick(utc("2025-01-05T12:00:30")) == []
    assert ScanRun.objects.filter(scan=scan).count() == 1


def test_a_once_schedule_runs_once(api, world):
    scan = scheduled_scan(api, world.user, utc("2025-01-01T00:00:00"), start_at="2025-01-02T09:00:00",
                          timezone="UTC", frequency="once")
    assert len(tick(utc("2025-01-02T09:00:00"))) == 1
    assert next_run(scan) is None
    assert tick(utc("2025-01-03T09:00:00")) == []


def test_a_scan_still_running_is_not_started_again(api, world):
    scan = scheduled_scan(api, world.user, utc("2025-01-01T00:00:00"), start_at="2025-01-02T09:00:00", timezone="UTC")
    with time_machine.travel(utc("2025-01-02T09:00:00"), tick=False):
        assert len(start_due_scans()) == 1
    with time_machine.travel(utc("2025-01-03T09:00:00"), tick=False):
        assert start_due_scans() == []  # yesterday's run is still active
    assert next_run(scan) == utc("2025-01-04T09:00:00")


def test_every_scan_of_a_due_schedule_starts(world):
    schedule = ScheduleFactory(organization=world.customer, next_run_at=utc("2025-01-01T00:00:00"), start_at=utc("2025-01-01T00:00:00"))
    scans = [ScanFactory(organization=world.customer, schedule=schedule) for _ in range(2)]
    not_due = ScanFactory(organization=world.customer, schedule=ScheduleFactory(organization=world.customer))
    started = tick(utc("2025-01-01T00:00:01"))
    assert sorted(r.scan_id for r in started) == sorted(s.pk for s in scans)
    assert not ScanRun.objects.filter(scan=not_due).exists()


def test_due_scans_past_the_concurrency_limit_all_start_and_wait_their_turn(world):
    """pci-standard allows 2 concurrent scans: the third due scan starts too (it will wait queued)."""
    schedule = ScheduleFactory(organization=world.customer, next_run_at=utc("2025-01-01T00:00:00"), start_at=utc("2025-01-01T00:00:00"))
    scans = [ScanFactory(organization=world.customer, schedule=schedule) for _ in range(3)]
    with time_machine.travel(utc("2025-01-01T00:00:01"), tick=False):
        started = start_due_scans()
    assert len(started) == 3
    assert not ScanRun.objects.filter(scan__in=scans, status="interrupted").exists()


@pytest.mark.django_db(transaction=True)  # the command recycles connections
def test_run_scheduler_once(world, capsys):
    schedule = ScheduleFactory(organization=world.customer, next_run_at=utc("2025-01-01T00:00:00"), start_at=utc("2025-01-01T00:00:00"))
    scan = ScanFactory(organization=world.customer, schedule=schedule)
    with _kept_signal_handlers():
        call_command("run_scheduler", "--once")
    assert ScanRun.objects.get(scan=scan).triggered_by == "schedule"
    assert "started 1 scan(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="interval"):
        call_command("run_scheduler", "--once", "--interval", "0")


# --- several schedulers at once -------------------------------------------------------------


def race_two_schedulers(world, rounds=3, scans=8):
    for round_ in range(rounds):
        due = utc("2025-01-01T00:00:00")
        for _ in range(scans):
            schedule = ScheduleFactory(organization=world.partner_org, next_run_at=due, start_at=due)
            ScanFactory(organization=world.partner_org, schedule=schedule)
        barrier, results, errors = threading.Barrier(2), [], []

        def scheduler():
            try:
                barrier.wait()
                results.append(len(start_due_scans()))
            except Exception as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        assert sum(results) == scans, f"round {round_}: {results}"
        assert ScanRun.objects.count() == scans
        assert all(Scan.objects.get(pk=s.pk).run_count == 1 for s in Scan.objects.all())
        assert not Schedule.objects.filter(next_run_at__lte=due).exists()
        ScanRun.objects.all().delete()
        Scan.objects.all().delete()
        Schedule.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_start_a_due_scan_once_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED: PostgreSQL (DATABASE_URL)")
    race_two_schedulers(world)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_start_a_due_scan_once_on_sqlite(world):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: writers are serialised")
    race_two_schedulers(world)

"""A run finishes once (the status change is the gate) and only a complete run is finalized; the
events of a finished run carry its numbers. The engine here is a stand-in that hands the worker
prepared hosts: what is tested is the worker's side (execute_run, finish)."""

import pytest
from django.utils import timezone

from findings.models import Finding, Result
from scanning.models import Scan, ScanRun
from scanning.services import execution
from scanning.services.runs import interrupt_stale_runs, start_scan, stop_scan

from .ingest_support import HTTP_HEADERS, TELNET, host, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def events(monkeypatch):
    """Events emitted by scanning and the findings stage, as (name, resource id, data)."""
    seen = []

    def record(name, resource, actor=None, organization=None, **data):
        seen.append((name, getattr(resource, "pk", None), data))

    monkeypatch.setattr("scanning.services.common.emit", record)
    return seen


@pytest.fixture
def engine(monkeypatch):
    """engine.hosts = [...]: what the next run finds; engine.during(run) runs mid-scan."""

    class Engine:
        hosts = []
        during = None

        def run(self, plan, reporter):
            assert plan.families, "the scan profile's families reach the plan"
            reporter.store_hosts(self.hosts)
            if self.during:
                self.during(reporter.run)
            reporter.should_stop()
            return self.hosts

    fake = Engine()
    monkeypatch.setattr("scanning.engine.run", fake.run)
    return fake


@pytest.fixture
def scan(world, settings):
    settings.SCAN_HEARTBEAT_INTERVAL = 3600
    return new_scan(world.customer)


def run_scan(scan, capture):
    with capture(execute=True):
        run = start_scan(scan, None)
    with capture(execute=True):
        execution.execute_run(run.pk, worker="test:1")
    return ScanRun.objects.get(pk=run.pk)


def test_a_complete_run_is_finalized_and_its_events_carry_the_numbers(scan, engine, events,
                                                                     django_capture_on_commit_callbacks):
    engine.hosts = [host("192.0.2.1", TELNET, HTTP_HEADERS)]
    run = run_scan(scan, django_capture_on_commit_callbacks)
    assert (run.status, run.pci_status, run.max_severity) == ("done", "fail", 7.5)
    assert run.delta == {"new": 2, "fixed": 0, "persisting": 0}
    names = [name for name, _pk, _data in events]
    assert names == ["scan_started", "scan_completed", "vulnerability_new"]
    completed = events[1][2]
    assert completed["severity_counts"] == {"high": 1, "medium": 1, "low": 0, "log": 0, "false_positive": 0}
    assert (completed["max_severity"], completed["pci_status"], completed["delta"]) == (7.5, "fail", run.delta)
    assert completed["run_id"] == str(run.pk) and events[1][1] == scan.pk
    new = events[2][2]
    assert new["scan"] == {"id": str(scan.pk), "name": scan.name} and new["history_id"] == str(run.pk)
    assert [(v["nvt"], v["host"], v["port"], v["severity_level"]) for v in new["vulnerabilities"]] == [
        (TELNET, "192.0.2.1", "23/tcp", "high"), (HTTP_HEADERS, "192.0.2.1", "80/tcp", "medium")]
    assert new["vulnerabilities"][0]["id"] == str(Finding.objects.get(nvt=TELNET).pk)
    saved = Scan.objects.get(pk=scan.pk)
    assert (saved.pci_status, saved.severity_counts["high"]) == ("fail", 1)

    events.clear()
    engine.hosts = [host("192.0.2.1", HTTP_HEADERS)]
    run = run_scan(scan, django_capture_on_commit_callbacks)
    assert [name for name, _pk, _data in events] == ["scan_started", "scan_completed"]  # nothing new
    assert run.delta == {"new": 0, "fixed": 1, "persisting": 1} and run.pci_status == "fail"
    assert Finding.objects.get(nvt=TELNET).status == "fixed"


def test_a_stopped_run_keeps_its_results_and_fixes_nothing(scan, engine, events, django_capture_on_commit_callbacks):
    engine.hosts = [host("192.0.2.1", TELNET, HTTP_HEADERS)]
    run_scan(scan, django_capture_on_commit_callbacks)
    engine.hosts = [host("192.0.2.1", HTTP_HEADERS)]
    engine.during = lambda run: stop_scan(run.scan, None)
    events.clear()
    run = run_scan(scan, django_capture_on_commit_callbacks)
    assert (run.status, run.partial, run.pci_status, run.delta) == ("stopped", True, None, {})
    assert run.severity_counts["medium"] == 1 and Result.objects.filter(run=run).count() == 1
    assert Finding.objects.get(nvt=TELNET).status == "new"
    assert [name for name, _pk, _data in events] == ["scan_started", "scan_stopped"]
    assert events[1][2]["partial"] is True


def test_the_reconciler_interrupts_first_then_the_worker_finishes(scan, engine, events, settings,
                                                                  django_capture_on_commit_callbacks):
    """The worker's heartbeat was lost long enough for the reconciler to interrupt its run; the
    worker then ends the engine: its finish must neither emit again nor finalize."""
    engine.hosts = [host("192.0.2.1", TELNET)]

    def reconciler_runs(run):
        late = timezone.now() + timezone.timedelta(seconds=settings.SCAN_HEARTBEAT_TIMEOUT + 5)
        assert [r.pk for r in interrupt_stale_runs(now=late)] == [run.pk]  # its event goes out on commit

    engine.during = reconciler_runs
    run = run_scan(scan, django_capture_on_commit_callbacks)
    assert [name for name, _pk, _data in events] == ["scan_started", "scan_failed"]  # once, by the reconciler
    assert (run.status, run.error) == ("interrupted", "The worker stopped reporting (heartbeat lost)")
    assert run.pci_status is None and run.delta == {}
    assert run.severity_counts["high"] == 1  # what the worker stored is counted
    assert Scan.objects.get(pk=scan.pk).status == "interrupted"


def test_finish_after_finish_does_nothing(scan, engine, events, django_capture_on_commit_callbacks):
    engine.hosts = [host("192.0.2.1", TELNET)]
    run = run_scan(scan, django_capture_on_commit_callbacks)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        execution.finish(run, "interrupted", execution.RunReporter(run), error="late")
        execution.finish(run, "done", execution.RunReporter(run))
    assert events == []
    again = ScanRun.objects.get(pk=run.pk)
    assert (again.status, again.error, again.pci_status, again.delta) == ("done", "", "fail", run.delta)


def test_a_discovery_profile_runs_no_checks(world, settings):
    from scanning.models import ScanProfile

    scan = new_scan(world.customer, scan_profile=ScanProfile.objects.get(name="Discovery"))
    run = ScanRun.objects.create(scan=scan, organization=world.customer, product="pci", status="running")
    plan, _count = execution.build_plan(run)
    assert plan.families == ()
    full = new_scan(world.customer)
    plan, _count = execution.build_plan(ScanRun.objects.create(scan=full, organization=world.customer, product="pci"))
    assert "remote_access" in plan.families and "ssl_tls" in plan.families


def test_a_failing_finalize_interrupts_the_run(scan, engine, events, monkeypatch, django_capture_on_commit_callbacks):
    def broken(run, scope=None, now=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr("findings.services.finalize.finalize", broken)
    engine.hosts = [host("192.0.2.1", TELNET)]
    run = run_scan(scan, django_capture_on_commit_callbacks)
    assert (run.status, run.error) == ("interrupted", "Results could not be finalized: RuntimeError: disk full")
    assert run.severity_counts["high"] == 1 and run.pci_status is None
    assert [name for name, _pk, _data in events] == ["scan_started", "scan_failed"]

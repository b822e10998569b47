"""The exceptions service: scoping, -1, re-evaluation in bulk of findings and latest results, the
counts and verdicts that follow, expiry through the periodic job, validation and events."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.api.errors import InvalidInput
from events.models import Notification
from findings.models import Finding, FindingException, Host, Result
from findings.services.exceptions import (
    create_exception,
    delete_exceptions,
    expire_exceptions,
    matching_findings,
    set_active,
    update_exception,
)
from findings.services.ingest import store_hosts
from scanning.models import Scan, ScanRun

from .ingest_support import BANNER, HTTP_HEADERS, TELNET, complete_run, host, new_run, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def scanned(world):
    """Two scans of the customer; TELNET (7.5, pci_fail) on two hosts, HTTP_HEADERS on one."""
    first, second = new_scan(world.customer), new_scan(world.customer)
    runs = [
        complete_run(first, [host("192.0.2.1", TELNET, HTTP_HEADERS), host("192.0.2.2", TELNET)]),
        complete_run(second, [host("192.0.2.3", TELNET, BANNER)]),
    ]
    return first, second, runs


def create(world, **data):
    return create_exception(world.user, world.customer, "pci", {"text": "Accepted", "nvt": TELNET, **data})


def severities(nvt=TELNET):
    return dict(Finding.objects.filter(nvt=nvt).values_list("ip", "severity"))


def test_false_positive_on_hosts_changes_findings_results_counts_and_verdict(world, scanned, django_capture_on_commit_callbacks):
    first, second, runs = scanned
    assert Scan.objects.get(pk=first.pk).pci_status == "fail"
    with django_capture_on_commit_callbacks(execute=True):
        exception = create(world, hosts="192.0.2.1, 192.0.2.2", new_severity=-1)
    assert severities() == {"192.0.2.1": -1.0, "192.0.2.2": -1.0, "192.0.2.3": 7.5}
    telnet = Finding.objects.get(nvt=TELNET, ip="192.0.2.1")
    assert (telnet.original_severity, telnet.severity_level, telnet.exception_id) == (7.5, "false_positive", exception.pk)
    assert set(Result.objects.filter(run=runs[0], nvt=TELNET).values_list("severity_level", flat=True)) == {"false_positive"}
    assert exception.affected_count == 2
    run = ScanRun.objects.get(pk=runs[0].pk)
    assert run.severity_counts == {"high": 0, "medium": 1, "low": 0, "log": 0, "false_positive": 2}
    assert (run.pci_status, run.max_severity) == ("fail", 5.3)  # the 5.3 header finding still fails it
    assert Scan.objects.get(pk=first.pk).pci_status == "fail"
    assert Scan.objects.get(pk=second.pk).pci_status == "fail"  # 192.0.2.3 is not excepted
    assert Host.objects.get(ip="192.0.2.2").vulnerability_count == 0
    assert [n.event for n in Notification.objects.filter(user=world.manager)] == ["exception_created"]


def test_a_port_scope_in_every_scan_and_the_verdict_passes(world, scanned):
    first, second, runs = scanned
    create(world, port="23/tcp", new_severity=3.0)
    create(world, nvt=HTTP_HEADERS, port="general/tcp", new_severity=0)  # port 80: no match
    assert set(severities().values()) == {3.0}
    assert Finding.objects.get(nvt=HTTP_HEADERS).severity == 5.3
    create(world, nvt=HTTP_HEADERS, hosts=["192.0.2.1"], new_severity=0)
    assert Scan.objects.get(pk=first.pk).pci_status == "pass"  # severities < 4 and pci_fail excepted
    assert ScanRun.objects.get(pk=runs[0].pk).severity_counts == {"high": 0, "medium": 0, "low": 2, "log": 1,
                                                                  "false_positive": 0}


def test_a_scan_scope_changes_only_that_scan(world, scanned):
    first, second, runs = scanned
    exception = create(world, scan=str(second.pk), new_severity=5.0)
    assert severities() == {"192.0.2.1": 7.5, "192.0.2.2": 7.5, "192.0.2.3": 5.0}
    assert set(matching_findings(exception).values_list("ip", flat=True)) == {"192.0.2.3"}
    assert ScanRun.objects.get(pk=runs[1].pk).severity_counts["medium"] == 1
    # A later run of that scan gets the exception as its results are stored.
    run = complete_run(second, [host("192.0.2.3", TELNET)])
    assert Result.objects.get(run=run).severity == 5.0 and Result.objects.get(run=run).exception_id == exception.pk


def test_the_newest_matching_exception_wins(world, scanned):
    create(world, new_severity=2.0)
    create(world, hosts=["192.0.2.1"], new_severity=6.0)
    assert severities() == {"192.0.2.1": 6.0, "192.0.2.2": 2.0, "192.0.2.3": 2.0}
    run = new_run(Scan.objects.filter(organization=world.customer).first())
    store_hosts(run, [host("192.0.2.1", TELNET), host("192.0.2.9", TELNET)])
    assert dict(Result.objects.filter(run=run).values_list("ip", "severity")) == {"192.0.2.1": 6.0, "192.0.2.9": 2.0}


def test_update_reset_activate_and_delete_reevaluate(world, scanned):
    exception = create(world, new_severity=-1)
    assert set(severities().values()) == {-1.0}
    update_exception(world.user, exception, {"hosts": ["192.0.2.3"], "new_severity": 9.0})
    assert severities() == {"192.0.2.1": 7.5, "192.0.2.2": 7.5, "192.0.2.3": 9.0}
    update_exception(world.user, exception, {"nvt": BANNER})  # moves to another check: TELNET is itself again
    assert set(severities().values()) == {7.5} and severities(BANNER) == {"192.0.2.3": 9.0}
    assert set_active(world.user, [exception], False) == 1
    assert severities(BANNER) == {"192.0.2.3": 0.0}
    assert set_active(world.user, [exception], False) == 0
    assert set_active(world.user, [exception], True) == 1
    assert severities(BANNER) == {"192.0.2.3": 9.0}
    assert delete_exceptions(world.user, [exception]) == 1
    assert severities(BANNER) == {"192.0.2.3": 0.0}
    assert Finding.objects.get(nvt=BANNER).severity_level == "log"
    assert not FindingException.objects.exists()


def test_expiry_through_the_job(world, scanned, django_capture_on_commit_callbacks):
    first, _second, _runs = scanned
    soon = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        exception = create(world, new_severity=0.0, end_time=soon.isoformat())
        create(world, nvt=HTTP_HEADERS, new_severity=0.0)  # never expires
    assert Scan.objects.get(pk=first.pk).pci_status == "pass"
    assert expire_exceptions(now=soon - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_exceptions(now=soon) == 1
    exception.refresh_from_db()
    assert (exception.active, exception.expired_at) == (False, soon)
    assert set(severities().values()) == {7.5}
    assert Scan.objects.get(pk=first.pk).pci_status == "fail"
    assert [n.event for n in Notification.objects.filter(user=world.manager).order_by("created_at")] == [
        "exception_created", "exception_created", "exception_expired"]
    assert expire_exceptions(now=soon + timedelta(days=1)) == 0


def test_the_expiry_is_a_periodic_job(world, scanned):
    from operations.periodic import JOBS

    job = next(job for job in JOBS if job.name == "exception expiry")
    create(world, new_severity=0.0, end_time=timezone.now() - timedelta(seconds=1))
    assert set(severities().values()) == {7.5}  # already past its end: never in force
    assert job.run() == 1
    assert FindingException.objects.get().expired_at is not None


@pytest.mark.django_db(transaction=True)  # the command recycles connections
def test_the_scheduler_tick_runs_the_expiry(world, scanned, capsys):
    from django.core.management import call_command

    from tests.scanning.conftest import _kept_signal_handlers

    exception = create(world, new_severity=0.0, end_time=timezone.now() + timedelta(seconds=1))
    assert set(severities().values()) == {0.0}
    FindingException.objects.filter(pk=exception.pk).update(end_time=timezone.now() - timedelta(seconds=1))
    with _kept_signal_handlers():
        call_command("run_scheduler", "--once")
    exception.refresh_from_db()
    assert exception.active is False and exception.expired_at is not None
    assert set(severities().values()) == {7.5}
    assert "expired 1 exception(s)" in capsys.readouterr().out


def test_reevaluation_is_bulk(world):
    def measured(hosts):
        scan = new_scan(world.customer)
        complete_run(scan, [host(f"10.1.{hosts}.{i}", TELNET) for i in range(1, hosts + 1)])
        with CaptureQueriesContext(connection) as captured:
            exception = create(world, hosts=[f"10.1.{hosts}.{i}" for i in range(1, hosts + 1)], new_severity=-1)
        assert exception.affected_count == hosts
        FindingException.objects.all().delete()
        return len(captured)

    assert measured(3) == measured(40)


@pytest.mark.parametrize("data, field", [
    ({"text": " "}, "text"), ({"nvt": ""}, "nvt"), ({"new_severity": 10.5}, "new_severity"),
    ({"new_severity": -0.5}, "new_severity"), ({"new_severity": "high"}, "new_severity"),
    ({"hosts": "192.0.2.1, example.org"}, "hosts"), ({"port": "443/icmp"}, "port"), ({"port": "70000/tcp"}, "port"),
    ({"end_time": "next week"}, "end_time"), ({"colour": "red"}, "colour"),
])
def test_invalid_fields_are_named(world, data, field):
    with pytest.raises(InvalidInput) as raised:
        create(world, **data)
    assert field in raised.value.errors


def test_a_scan_of_another_organization_is_refused(world):
    foreign = new_scan(world.other_org)
    with pytest.raises(InvalidInput) as raised:
        create(world, scan=foreign)
    assert "scan" in raised.value.errors
    exception = create(world, task=str(new_scan(world.customer).pk), port="443")
    assert exception.scan_id and exception.port == "443/tcp"


def test_exception_events_carry_the_exception_in_its_api_form(world, scanned):
    from events.registry import attributes_of, resource_type_of

    exception = create(world, hosts=["192.0.2.1"], port="23/tcp", new_severity=-1)
    data = attributes_of(exception)
    assert resource_type_of(exception) == "exception"
    assert (data["nvt"], data["hosts"], data["port"], data["new_severity"], data["affected_count"]) == (
        TELNET, ["192.0.2.1"], "23/tcp", -1.0, 1)

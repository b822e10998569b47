"""The targets, scans, histories, vulnerabilities and hosts lists read plain rows, with ids and
timestamps formatted by the database and joined names in the same query (scanning/api/rows.py,
findings/api/rows.py). What a client sees must not depend on it: every listed resource equals
the detail route's resource, nulls and edge timestamps included."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from findings.models import Finding, FindingSighting, Host
from scanning.models import Scan, ScanRun, Target
from tests.scanning.factories import ScanFactory, ScanRunFactory, ScheduleFactory, TargetFactory

from .factories import ExceptionFactory, FindingFactory, HostFactory

pytestmark = pytest.mark.usefixtures("subscribed")

NO_FRACTION = datetime(2026, 1, 2, 3, 4, 5, 0, tzinfo=UTC)  # SQLite stores it without '.ffffff'
LAST_MICROSECOND = datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)  # truncated, never rounded up


def listed(client, path):
    response = client.get(path, {"per_page": 100})
    assert response.status_code == 200, response.content[:400]
    items = response.json()["data"]
    assert items
    return items


def assert_each_equals_its_detail(client, path, detail_path=None, drop=()):
    for item in listed(client, path):
        detail = client.get(f"{detail_path or path}/{item['id']}").json()["data"]
        for name in drop:
            detail["attributes"].pop(name, None)
        assert item == detail, item["id"]


def test_targets(api, world):
    used = TargetFactory(organization=world.customer, comment='"quoted" \\ ünï', created_by=world.user)
    TargetFactory(organization=world.customer, credentials_public={"ssh": {"username": "scan"}})
    ScanFactory(organization=world.customer, target=used)
    Target.objects.filter(pk=used.pk).update(created_at=NO_FRACTION, updated_at=LAST_MICROSECOND)
    for user in (world.user, world.manager):  # with and without TARGET_ACCESS_CREDENTIALS
        assert_each_equals_its_detail(api.as_user(user), "/v2/targets")


def test_scans_with_and_without_a_schedule(api, world):
    scheduled = ScanFactory(organization=world.customer, schedule=ScheduleFactory(organization=world.customer))
    ScanRunFactory(scan=scheduled, severity_counts={"high": 1, "medium": 0, "low": 2, "log": 0}, max_severity=9.8)
    ScanFactory(organization=world.customer, comment="never run")
    Scan.objects.filter(pk=scheduled.pk).update(last_run_at=NO_FRACTION, next_run_at=LAST_MICROSECOND)
    assert_each_equals_its_detail(api.as_user(world.user), "/v2/scans")


def test_histories_of_a_scan(api, world):
    scan = ScanFactory(organization=world.customer)
    ScanRunFactory(scan=scan, status="done", progress=100, started_at=NO_FRACTION, finished_at=LAST_MICROSECOND,
                   queued_at=NO_FRACTION, delta={"new": 2, "fixed": 1, "persisting": 3}, error="")
    ScanRunFactory(scan=scan, status="requested", scanner=None)
    running = ScanRunFactory(scan=scan, status="running", stage="services", progress=40,
                             started_at=timezone.now() - timezone.timedelta(seconds=60))
    client = api.as_user(world.user)
    path = f"/v2/scans/{scan.pk}/histories"
    items = listed(client, path)
    assert len(items) == 3
    estimate = {item["id"]: item["attributes"].pop("estimated_seconds_remaining") for item in items}
    assert 85 <= estimate[str(running.pk)] <= 95 and list(estimate.values()).count(None) == 2
    for item in items:
        detail = client.get(f"{path}/{item['id']}").json()["data"]
        detail["attributes"].pop("estimated_seconds_remaining")
        assert item == detail, item["id"]
    done = next(item for item in items if item["attributes"]["status"] == "done")
    assert done["attributes"]["duration_seconds"] == 1.0  # 03:04:05.000000 to 03:04:05.999999, rounded
    assert ScanRun.objects.count() == 3


def test_vulnerabilities(api, world):
    host = HostFactory(organization=world.customer, hostname="")
    excepted = FindingFactory(organization=world.customer, host=host, hostname="web.example", severity=9.8,
                              exception=ExceptionFactory(organization=world.customer))
    FindingFactory(organization=world.customer, severity=0.0, port=0, status="fixed", fixed_at=LAST_MICROSECOND,
                   name="")
    Finding.objects.filter(pk=excepted.pk).update(first_seen=NO_FRACTION)
    FindingSighting.objects.filter(finding=excepted).update(last_seen=LAST_MICROSECOND)
    assert_each_equals_its_detail(api.as_user(world.user), "/v2/vulnerabilities")


def test_hosts(api, world):
    quiet = HostFactory(organization=world.customer, hostname="", os="", ports=[])
    busy = HostFactory(organization=world.customer, hostname="web.example", os="Debian 12")
    for severity in (9.8, 5.0):
        FindingFactory(organization=world.customer, host=busy, severity=severity)
    Host.objects.filter(pk=quiet.pk).update(first_seen=NO_FRACTION, last_seen=LAST_MICROSECOND)
    items = listed(api.as_user(world.user), "/v2/hosts")
    assert {item["attributes"]["vulnerability_count"] for item in items} == {0, 2}
    assert_each_equals_its_detail(api.as_user(world.user), "/v2/hosts", drop=("services", "vulnerabilities"))


def test_hosts_counts_under_min_qod_false_positives_and_whole_severities(api, world):
    """The list counts a host's findings in its page query (findings/api/rows.py), the detail
    with statistics.counts_by: both agree for every min_qod, and 10.0 stays a float."""
    host = HostFactory(organization=world.customer)
    FindingFactory(organization=world.customer, host=host, severity=10.0)
    FindingFactory(organization=world.customer, host=host, severity=-1.0, severity_level="false_positive")
    FindingFactory(organization=world.customer, host=host, severity=4.0, qod=30)
    FindingFactory(organization=world.customer, host=host, severity=9.0, status="fixed")
    client = api.as_user(world.user)
    for min_qod, expected in ((70, (1, 10.0)), (30, (2, 10.0)), (100, (0, None))):
        response = client.get("/v2/hosts", {"min_qod": min_qod})
        (item,) = response.json()["data"]
        assert (item["attributes"]["vulnerability_count"], item["attributes"]["max_severity"]) == expected
        if expected[1] is not None:
            assert b'"max_severity":10.0' in response.content
        detail = client.get(f"/v2/hosts/{item['id']}", {"min_qod": min_qod}).json()["data"]
        for name in ("services", "vulnerabilities"):
            detail["attributes"].pop(name)
        assert item == detail


def test_schedules_in_use_or_not(api, world):
    used = ScheduleFactory(organization=world.customer)
    ScanFactory(organization=world.customer, schedule=used)
    ScanFactory(organization=world.customer, schedule=used)  # two scans: still listed once as in use
    ScheduleFactory(organization=world.customer)
    client = api.as_user(world.user)
    in_use = {item["id"]: item["attributes"]["in_use"] for item in listed(client, "/v2/schedules")}
    assert in_use == {str(used.pk): True, **{pk: False for pk in in_use if pk != str(used.pk)}} and len(in_use) == 2
    assert_each_equals_its_detail(client, "/v2/schedules")

"""When a finding was last seen, and by which run, lives in its sighting (findings.models.
FindingSighting): a run that sees a finding again unchanged moves the sighting only. The lists
still sort and filter by last_seen, and their default order is the most severe, then the newest
finding first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from findings.models import Finding, FindingSighting

from .factories import FindingFactory
from .ingest_support import BANNER, HTTP_HEADERS, complete_run, host, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")


def data(response):
    assert response.status_code == 200, response.content[:400]
    return response.json()["data"]


def ids(response):
    return [item["id"] for item in data(response)]


def test_a_finding_seen_again_unchanged_keeps_its_row_and_moves_its_sighting(api, world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.10", HTTP_HEADERS, BANNER)])
    complete_run(scan, [host("192.0.2.10", HTTP_HEADERS, BANNER)])  # new -> open: the row is written
    client = api.as_user(world.viewer)
    before = {item["id"]: item["attributes"] for item in data(client.get("/v2/vulnerabilities", {"min_qod": 0}))}
    rows = {str(pk): row for pk, *row in Finding.objects.values_list("pk", "updated_at", "status", "content_hash")}

    third = complete_run(scan, [host("192.0.2.10", HTTP_HEADERS, BANNER)])
    after = {item["id"]: item["attributes"] for item in data(client.get("/v2/vulnerabilities", {"min_qod": 0}))}
    assert set(after) == set(before) and len(after) == 2
    for pk, attributes in after.items():
        assert attributes["history"] == {"id": str(third.pk)}
        assert attributes["last_seen"] > before[pk]["last_seen"]
        unchanged = {key: value for key, value in before[pk].items() if key not in ("last_seen", "history")}
        assert {key: attributes[key] for key in unchanged} == unchanged  # updated_at included
        detail = data(client.get(f"/v2/vulnerabilities/{pk}"))["attributes"]
        assert (detail["last_seen"], detail["history"]) == (attributes["last_seen"], attributes["history"])
    assert {str(pk): row for pk, *row in Finding.objects.values_list("pk", "updated_at", "status", "content_hash")} == rows
    assert set(FindingSighting.objects.values_list("run_id", flat=True)) == {third.pk}
    assert third.delta == {"new": 0, "fixed": 0, "persisting": 2}


def made(world, *specs):
    """Findings of (severity, first_seen minutes ago, last_seen minutes ago)."""
    now = timezone.now()
    return [str(FindingFactory(organization=world.customer, severity=severity, first_seen=now - timedelta(minutes=first),
                               last_seen=now - timedelta(minutes=last)).pk) for severity, first, last in specs]


def test_the_default_order_is_most_severe_then_newest(api, world):
    old_high, new_low, new_high, older_high = made(world, (9.0, 30, 1), (2.0, 1, 1), (9.0, 5, 40), (9.0, 60, 0))
    client = api.as_user(world.user)
    assert ids(client.get("/v2/vulnerabilities")) == [new_high, old_high, older_high, new_low]
    assert ids(client.get("/v2/vulnerabilities", {"sort_by": "severity asc"})) == [new_low, older_high, old_high, new_high]


def test_sort_by_last_seen_and_its_date_range(api, world):
    seen_last, seen_first, seen_between = made(world, (5.0, 300, 10), (9.0, 100, 200), (1.0, 200, 100))
    client = api.as_user(world.user)
    assert ids(client.get("/v2/vulnerabilities", {"sort_by": "last_seen desc"})) == [seen_last, seen_between, seen_first]
    assert ids(client.get("/v2/vulnerabilities", {"sort_by": "last_seen asc"})) == [seen_first, seen_between, seen_last]
    assert ids(client.get("/v2/vulnerabilities", {"sort_by": "last_seen desc", "q[severity_level]": "high"})) == [seen_first]
    since = (timezone.now() - timedelta(minutes=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = client.get("/v2/vulnerabilities", {"date_range_start": since})
    assert ids(recent) == [seen_last, seen_between]  # the default order within the range
    assert recent.json()["meta"]["total_count"] == 2
    until = client.get("/v2/vulnerabilities", {"date_range_end": since, "sort_by": "last_seen asc"})
    assert ids(until) == [seen_first]


def test_another_organizations_sightings_stay_out_of_a_last_seen_sort(api, world):
    mine = made(world, (5.0, 10, 10))
    FindingFactory(organization=world.other_org, last_seen=timezone.now())
    client = api.as_user(world.user)
    assert ids(client.get("/v2/vulnerabilities", {"sort_by": "last_seen desc"})) == mine


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_last_seen_and_the_run_into_sightings():
    import uuid

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("findings", "0006_list_filter_indexes")], [("findings", "0007_sightings")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldFinding = executor.loader.project_state(before).apps.get_model("findings", "Finding")  # noqa: N806
    seen, run_id, organization_id = timezone.now() - timedelta(days=3), uuid.uuid4(), uuid.uuid4()
    finding = OldFinding.objects.create(organization_id=organization_id, product="pci", check_info_id=uuid.uuid4(),
                                        nvt="1.2.3", ip="192.0.2.1", host_id=uuid.uuid4(), first_seen=seen,
                                        last_seen=seen + timedelta(hours=1), run_id=run_id)
    executor = MigrationExecutor(connection)  # the graph as it is now
    executor.migrate(after)
    sighting = FindingSighting.objects.get(finding_id=finding.pk)
    assert (sighting.organization_id, sighting.product, sighting.run_id, sighting.last_seen) == (
        organization_id, "pci", run_id, seen + timedelta(hours=1))
    assert Finding.objects.get(pk=finding.pk).last_seen == seen + timedelta(hours=1)

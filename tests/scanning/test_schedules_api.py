"""/v2/schedules: rules in an IANA zone, their next run and RFC 5545 text."""

import pytest
import time_machine

from scanning.models import Scan, Schedule
from tests.api_mixins import CrudTests, assert_error

from .factories import ScanFactory, ScheduleFactory

pytestmark = pytest.mark.usefixtures("subscribed")


class TestSchedulesApi(CrudTests):
    collection = "/v2/schedules"
    resource_type = "schedule"
    resource_name = "schedule"
    write_roles = ("User", "Manager", "Partner", "Admin")
    create_body = {"name": "Nightly", "start_at": "2030-01-07T02:00:00", "timezone": "Europe/Athens",
                   "frequency": "weekly", "by_weekday": ["MO", "TH"], "duration": 120}
    update_body = {"name": "Renamed", "frequency": "daily"}
    invalid_body = ({"timezone": "Mars/Olympus_Mons"}, "timezone")

    def make(self, world, organization):
        return ScheduleFactory(organization=organization)

    def assert_created(self, attributes, body):
        # Naive times are wall-clock times in the schedule's zone: 02:00 in Athens is 00:00 UTC in winter.
        assert attributes["start_at"] == "2030-01-07T00:00:00.000Z"
        assert attributes["next_run_at"] == "2030-01-07T00:00:00.000Z"
        assert attributes["icalendar"] == "DTSTART;TZID=Europe/Athens:20300107T020000\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH"
        assert attributes["by_weekday"] == ["MO", "TH"]
        assert attributes["duration"] == 120
        assert attributes["in_use"] is False
        assert attributes["product"] == "pci"

    def assert_updated(self, attributes):
        assert attributes["name"] == "Renamed"
        assert attributes["frequency"] == "daily"


def create(client, **fields):
    body = {"name": "S", "start_at": "2030-03-01T09:00:00Z", "timezone": "UTC", "frequency": "daily", **fields}
    return client.post("/v2/schedules", {"schedule": body})


@pytest.mark.parametrize("fields,field", [
    ({"frequency": "fortnightly"}, "frequency"),
    ({"interval": 0}, "interval"),
    ({"by_weekday": ["XX"]}, "by_weekday"),
    ({"by_monthday": [32]}, "by_monthday.0"),
    ({"frequency": "weekly", "by_monthday": [1]}, "by_monthday"),
    ({"until": "2030-01-01T00:00:00Z"}, "until"),
    ({"until": "2031-01-01T00:00:00Z", "count": 3}, "count"),
    ({"start_at": "yesterday"}, "start_at"),
    ({"start_at": None}, "start_at"),
    ({"timezone": ""}, "timezone"),
    ({"duration": 0}, "duration"),
])
def test_invalid_rules_name_the_field(api, world, fields, field):
    assert_error(create(api.as_user(world.user), **fields), 422, field)


def test_offsets_in_start_at_are_kept(api, world):
    attributes = create(api.as_user(world.user), start_at="2030-07-01T09:00:00+03:00", timezone="Europe/Athens").json()["data"]["attributes"]
    assert attributes["start_at"] == "2030-07-01T06:00:00.000Z"
    assert attributes["icalendar"].startswith("DTSTART;TZID=Europe/Athens:20300701T090000")


@time_machine.travel("2030-03-01T12:00:00Z", tick=False)
def test_next_run_is_after_now(api, world):
    attributes = create(api.as_user(world.user), start_at="2030-01-01T09:00:00Z").json()["data"]["attributes"]
    assert attributes["next_run_at"] == "2030-03-02T09:00:00.000Z"
    once = create(api.as_user(world.user), frequency="once", start_at="2030-01-01T09:00:00Z").json()["data"]["attributes"]
    assert once["next_run_at"] is None
    counted = create(api.as_user(world.user), start_at="2030-02-27T09:00:00Z", count=2).json()["data"]["attributes"]
    assert counted["next_run_at"] is None
    assert "COUNT=2" in counted["icalendar"]


def test_update_recomputes_next_run_for_its_scans(api, world):
    client = api.as_user(world.user)
    schedule_id = create(client, start_at="2030-03-01T09:00:00Z").json()["data"]["id"]
    scan = ScanFactory(organization=world.customer, schedule=Schedule.objects.get(pk=schedule_id))
    response = client.put(f"/v2/schedules/{schedule_id}", {"start_at": "2030-04-01T18:30:00", "timezone": "America/New_York"})
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["next_run_at"] == "2030-04-01T22:30:00.000Z"
    scan.refresh_from_db()
    assert scan.next_run_at.isoformat() == "2030-04-01T22:30:00+00:00"


def test_update_validates_against_the_stored_rule(api, world):
    client = api.as_user(world.user)
    schedule_id = create(client, start_at="2030-03-01T09:00:00Z").json()["data"]["id"]
    assert_error(client.put(f"/v2/schedules/{schedule_id}", {"until": "2029-01-01T00:00:00Z"}), 422, "until")
    assert_error(client.put(f"/v2/schedules/{schedule_id}", {"timezone": "Nowhere/Land"}), 422, "timezone")


def test_delete_in_use_is_422(api, world):
    schedule = ScheduleFactory(organization=world.customer)
    ScanFactory(organization=world.customer, schedule=schedule)
    client = api.as_user(world.user)
    assert_error(client.delete(f"/v2/schedules/{schedule.pk}"), 422)
    assert_error(client.delete("/v2/schedules", {"ids": [str(schedule.pk)]}), 422)
    assert client.get(f"/v2/schedules/{schedule.pk}").json()["data"]["attributes"]["in_use"] is True
    Scan.objects.all().delete()
    assert client.delete(f"/v2/schedules/{schedule.pk}").status_code == 200


def test_search_and_sort(api, world):
    ScheduleFactory(organization=world.customer, name="weekly full", next_run_at="2030-01-02T00:00:00Z")
    ScheduleFactory(organization=world.customer, name="daily quick", next_run_at="2030-01-01T00:00:00Z")
    client = api.as_user(world.user)
    names = lambda r: [i["attributes"]["name"] for i in r.json()["data"]]  # noqa: E731
    assert names(client.get("/v2/schedules", {"q[name]": "*full"})) == ["weekly full"]
    assert names(client.get("/v2/schedules", {"sort_by": "next_run_at asc"})) == ["daily quick", "weekly full"]


def test_schedules_are_per_product(api, world):
    client = api.as_user(world.user)
    schedule_id = create(client).json()["data"]["id"]
    client.put("/v2/user/change_product", params={"product_code": "vrms"})
    assert_error(client.get(f"/v2/schedules/{schedule_id}"), 404)
    assert client.get("/v2/schedules").json()["meta"]["total_count"] == 0

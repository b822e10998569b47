"""POST /v2/scans/wizard: target (+ schedule) + scan (+ start) in one transaction."""

import pytest

from scanning.models import PortList, Scan, ScanRun, Schedule, Target
from tests.api_mixins import assert_error

from .factories import PortListFactory

pytestmark = pytest.mark.usefixtures("subscribed")


def wizard(client, **fields):
    return client.post("/v2/scans/wizard", {"wizard": {"name": "Shop", "hosts": "192.0.2.10-12", **fields}})


def nothing_created():
    return not (Target.objects.exists() or Schedule.objects.exists() or Scan.objects.exists() or ScanRun.objects.exists())


def test_target_and_scan(api, world):
    response = wizard(api.as_user(world.user))
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["type"] == "scan"
    assert data["attributes"]["name"] == "Shop" and data["attributes"]["status"] == "new"
    target = Target.objects.get()
    assert (target.name, target.host_count, target.port_list.name) == ("Shop", 3, "All IANA assigned TCP")
    assert data["attributes"]["target"]["id"] == str(target.pk)
    assert not Schedule.objects.exists()


def test_with_port_list_profile_schedule_and_start(api, world, django_capture_on_commit_callbacks):
    ports = PortListFactory(organization=world.customer)
    profile_id = api.as_user(world.user).get("/v2/scan_profiles", {"q[name]": "Discovery"}).json()["data"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = wizard(api.as_user(world.user), port_list_id=str(ports.pk), scan_profile_id=profile_id,
                          alive_test="consider_alive", start_now=True,
                          schedule={"start_at": "2030-01-01T09:00:00", "timezone": "Europe/Athens", "frequency": "monthly"})
    assert response.status_code == 201, response.content
    attributes = response.json()["data"]["attributes"]
    assert attributes["scan_profile"]["name"] == "Discovery"
    assert attributes["schedule"]["name"] == "Shop"
    assert attributes["next_run_at"] == "2030-01-01T07:00:00.000Z"
    assert Target.objects.get().port_list == ports
    assert Target.objects.get().alive_test == "consider_alive"
    run = ScanRun.objects.get()
    assert run.status == "queued" and str(run.scan_id) == response.json()["data"]["id"]


@pytest.mark.parametrize("fields,field", [
    ({"hosts": "192.0.2.1, what?"}, "hosts"),
    ({"hosts": "198.51.100.0/24"}, "number_of_ips"),
    ({"port_list_id": "7d4f1c2e-0b6a-4c8e-9f3a-5e2d1b0c9a87"}, "port_list_id"),
    ({"schedule": {"start_at": "2030-01-01T09:00:00Z", "timezone": "Atlantis/Capital"}}, "schedule.timezone"),
    ({"schedule": {"start_at": "2030-01-01T09:00:00Z", "timezone": "UTC", "frequency": "daily",
                   "until": "2029-01-01T00:00:00Z"}}, "schedule.until"),
    ({"name": ""}, "name"),
])
def test_a_failing_part_leaves_nothing_behind(api, world, fields, field):
    assert_error(wizard(api.as_user(world.user), **fields), 422, field)
    assert nothing_created()


def test_a_refused_start_rolls_back_target_schedule_and_scan(api, world):
    """A plan without scans refuses the start, and with it the wizard."""
    subscription = world.customer.subscriptions.get(product__code="pci")
    subscription.features["concurrent_scans"] = {"enabled": False, "limit": 0}
    subscription.save()
    before = (Target.objects.count(), Scan.objects.count())
    response = wizard(api.as_user(world.user), start_now=True,
                      schedule={"start_at": "2030-01-01T09:00:00Z", "timezone": "UTC", "frequency": "daily"})
    assert_error(response, 422, "concurrent_scans")
    assert (Target.objects.count(), Scan.objects.count()) == before
    assert not Schedule.objects.exists()
    assert ScanRun.objects.count() == 0


def test_builtin_port_list_is_allowed_foreign_is_not(api, world):
    builtin = PortList.objects.get(predefined=True, name="Top 100 TCP")
    assert wizard(api.as_user(world.user), port_list_id=str(builtin.pk)).status_code == 201
    foreign = PortListFactory(organization=world.other_org)
    assert_error(wizard(api.as_user(world.user), name="x", port_list_id=str(foreign.pk)), 422, "port_list_id")


def test_access(api, world):
    assert_error(wizard(api.as_user(world.viewer)), 403)
    assert_error(wizard(api), 401)
    assert nothing_created()

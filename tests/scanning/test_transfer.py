"""PUT /v2/user/transfer_resources also moves the user's targets, schedules and scans."""

import pytest

from scanning.models import Scan, Schedule, Target

from .factories import ScanFactory, ScheduleFactory, TargetFactory

pytestmark = pytest.mark.usefixtures("subscribed")


def test_transfer_moves_targets_schedules_and_scans(api, world):
    client = api.as_user(world.user)
    target = client.post("/v2/targets", {"name": "t", "hosts": "192.0.2.1"}).json()["data"]["id"]
    schedule = client.post("/v2/schedules", {"name": "s", "start_at": "2030-01-01T00:00:00Z", "timezone": "UTC"}).json()["data"]["id"]
    scan = client.post("/v2/scans", {"name": "x", "target_id": target, "schedule_id": schedule}).json()["data"]["id"]
    untouched = ScanFactory(organization=world.customer, created_by=world.manager)
    response = api.as_user(world.admin).put("/v2/user/transfer_resources",
                                            params={"from_user_id": str(world.user.pk), "to_user_id": str(world.viewer.pk)})
    assert response.status_code == 200, response.content
    moved = response.json()["transferred"]
    assert (moved["targets"], moved["schedules"], moved["scans"]) == (1, 1, 1)
    assert Target.objects.get(pk=target).created_by == world.viewer
    assert Schedule.objects.get(pk=schedule).created_by == world.viewer
    assert Scan.objects.get(pk=scan).created_by == world.viewer
    assert Scan.objects.get(pk=untouched.pk).created_by == world.manager
    assert not Target.objects.filter(created_by=world.user).exists()


def test_transfer_stays_inside_the_organization(api, world):
    TargetFactory(organization=world.customer, created_by=world.user)
    ScheduleFactory(organization=world.customer, created_by=world.user)
    response = api.as_user(world.admin).put("/v2/user/transfer_resources",
                                            params={"from_user_id": str(world.user.pk), "to_user_id": str(world.other_user.pk)})
    assert response.status_code == 422
    assert Target.objects.get().created_by == world.user
    assert api.as_user(world.manager).put("/v2/user/transfer_resources", params={
        "from_user_id": str(world.user.pk), "to_user_id": str(world.viewer.pk)}).status_code == 403

"""Personal details (`?details=true`: phone, address...) are shown only to the user themself,
the Managers of their organization, the partners above it and staff; anyone else gets the user
with `details: null` (issue 13, item 13)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def details_by_username(client, path="/v2/users"):
    response = client.get(path, {"details": "true", "per_page": 100})
    assert response.status_code == 200, response.content
    return {row["attributes"]["username"]: row["attributes"]["details"] for row in response.json()["data"]}


@pytest.fixture
def phones(world):
    for user in (world.manager, world.user, world.viewer, world.partner, world.other_user):
        user.phone, user.address = "+30 210 000 0000", f"{user.username} street 1"
        user.save()


@pytest.mark.parametrize("who", ["viewer", "user"])
def test_users_and_viewers_see_only_their_own_details(api, world, phones, who):
    me = getattr(world, who)
    shown = details_by_username(api.as_user(me))
    assert shown[me.username]["phone"] == "+30 210 000 0000"
    others = {name: details for name, details in shown.items() if name != me.username}
    assert others and all(details is None for details in others.values())
    one = api.as_user(me).get(f"/v2/users/{world.manager.pk}", {"details": "true"}).json()["data"]["attributes"]
    assert one["details"] is None and one["username"] == "manager"
    mine = api.as_user(me).get(f"/v2/users/{me.pk}", {"details": "true"}).json()["data"]["attributes"]
    assert mine["details"]["address"] == f"{me.username} street 1"


@pytest.mark.parametrize("who, expected", [
    ("manager", {"manager", "plainuser", "viewer"}),
    ("partner", {"partner", "manager", "plainuser", "viewer"}),
    ("admin", {"admin", "partner", "manager", "plainuser", "viewer", "othermanager", "otheruser"}),
])
def test_managers_partners_above_and_staff_see_details(api, world, phones, who, expected):
    shown = details_by_username(api.as_user(getattr(world, who)))
    assert {name for name, details in shown.items() if details is not None} == expected


def test_the_check_costs_no_query_per_row(api, world, phones):
    client = api.as_user(world.partner)
    details_by_username(client)  # the API key's last_used_at is written on the first call only
    with CaptureQueriesContext(connection) as few:
        details_by_username(client)
    for _ in range(10):
        UserFactory(organization=world.customer)
    with CaptureQueriesContext(connection) as many:
        details_by_username(client)
    assert len(many) == len(few)


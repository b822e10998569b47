"""Lists read plain rows with ids, timestamps and the members block formatted by the database
(config/api/rows.py). What a client sees must not depend on it: every listed resource equals
the detail route's resource, for every caller, on both databases."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db.models import OuterRef

from accounts.models import User
from config.api.rows import IsoTimestamp, JSONRows, UUIDText, listed_values
from config.api.serializers import iso_timestamp
from organizations.models import Organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

EDGE_TIMES = [
    datetime(2026, 1, 2, 3, 4, 5, 0, tzinfo=UTC),  # no microseconds: stored without a fraction on SQLite
    datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC),  # truncated, never rounded up
    datetime(2026, 12, 31, 23, 59, 59, 1000, tzinfo=UTC),
    datetime(1999, 7, 8, 9, 10, 11, 123456, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", EDGE_TIMES, ids=str)
def test_database_timestamps_match_iso_timestamp(world, moment):
    Organization.objects.filter(pk=world.customer.pk).update(created_at=moment)
    text = Organization.objects.filter(pk=world.customer.pk).values_list(IsoTimestamp("created_at"), flat=True).get()
    assert text == iso_timestamp(moment)


def test_database_uuids_match_str_uuid(world):
    text = Organization.objects.filter(pk=world.customer.pk).values_list(UUIDText("id"), flat=True).get()
    assert text == str(world.customer.pk) and uuid.UUID(text) == world.customer.pk


def test_listed_values_formats_uuid_timestamp_and_foreign_key_columns(world):
    row = listed_values(
        Organization.objects.filter(pk=world.customer.pk), ("id", "name", "parent_id", "created_at")
    ).get()
    assert row == {
        "name": "Customer Org",
        "text__id": str(world.customer.pk),
        "text__parent_id": str(world.partner_org.pk),
        "text__created_at": iso_timestamp(world.customer.created_at),
    }


def test_json_rows_keep_the_subquery_order_and_are_empty_without_rows(world):
    import json

    from django.db.models.functions import JSONArray

    empty = OrganizationFactory(name="No members")
    members = User.objects.filter(organization_id=OuterRef("pk")).order_by("-username")
    column = JSONRows(members.annotate(item=JSONArray("username", "role")).values("item"))
    found = dict(Organization.objects.annotate(items=column).values_list("pk", "items"))
    assert json.loads(found[empty.pk]) == []
    expected = [[u.username, u.role] for u in User.objects.filter(organization=world.customer).order_by("-username")]
    assert json.loads(found[world.customer.pk]) == expected and len(expected) == 3


def _by_id(response):
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["data"]}


@pytest.mark.parametrize("role", ["admin", "partner", "manager", "viewer"])
def test_each_listed_organization_equals_its_detail(api, world, role):
    caller = getattr(world, role)
    # members in an order that differs from creation order, a name needing JSON escapes
    UserFactory(username="zz-last", organization=world.customer)
    UserFactory(username='aa "quoted" \\ ünï', organization=world.customer)
    OrganizationFactory(name="Empty customer", parent=world.partner_org)
    client = api.as_user(caller)
    listed = _by_id(client.get("/v2/organizations", {"per_page": 100}))
    assert listed
    for org_id, resource in listed.items():
        assert resource == client.get(f"/v2/organizations/{org_id}").json()["data"], org_id


@pytest.mark.parametrize("details", [False, True])
@pytest.mark.parametrize("role", ["admin", "partner", "manager"])
def test_each_listed_user_equals_its_detail(api, world, role, details):
    caller = getattr(world, role)
    User.objects.filter(pk=world.user.pk).update(last_sign_in_at=datetime(2026, 5, 6, 7, 8, 9, 999999, tzinfo=UTC))
    client = api.as_user(caller)
    params = {"per_page": 100, "details": "true"} if details else {"per_page": 100}
    listed = _by_id(client.get("/v2/users", params))
    assert len(listed) >= 3
    for user_id, resource in listed.items():
        detail = client.get(f"/v2/users/{user_id}", {"details": "true"} if details else {}).json()["data"]
        assert resource == detail, user_id


def test_cached_rows_query_follows_each_callers_scope_and_details(api, world):
    """The rows query is compiled once per shape (config/api/page_rows.py) and reused with each
    request's own parameters: callers taking turns still see their own scope, and `details`
    (another shape) its own columns."""
    from config.api import page_rows

    page_rows.SHAPES.clear()
    callers = {"partner": world.partner, "manager": world.manager, "admin": world.admin,
               "other manager": UserFactory(role="Manager", organization=OrganizationFactory(name="Elsewhere"))}
    first = {}
    for _turn in range(2):
        for role, caller in callers.items():
            client = api.as_user(caller)
            for path, params in (("/v2/organizations", {}), ("/v2/users", {}), ("/v2/users", {"details": "true"})):
                body = client.get(path, {"per_page": 100, **params}).json()
                first.setdefault((role, path, str(params)), body)
                assert body == first[(role, path, str(params))], (role, path, params)
    assert page_rows.SHAPES  # the second turn read from the cache
    scoped = {role: {row["id"] for row in first[(role, "/v2/organizations", "{}")]["data"]} for role in callers}
    assert scoped["manager"] == {str(world.manager.organization_id)}
    assert scoped["other manager"] == {str(callers["other manager"].organization_id)}  # same SQL, own rows
    assert scoped["manager"] < scoped["partner"] < scoped["admin"]
    with_details = first[("admin", "/v2/users", str({"details": "true"}))]["data"]
    assert all("details" in row["attributes"] for row in with_details)
    assert all("details" not in row["attributes"] for row in first[("admin", "/v2/users", "{}")]["data"])

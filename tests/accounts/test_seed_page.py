"""PUT /v2/users/{id}: the one page of the public docs the project started from
(../shared/spec/000_23165e90f321d220.txt). It must match to the letter."""

import pytest

from tests.api_mixins import assert_error
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

# The documented example body, with organization_id filled in per test.
DOCUMENTED = {
    "email": "user@clone-systems.com",
    "first_name": "Joe",
    "last_name": "Doe",
    "locale": "en",
    "timezone": "UTC",
    "phone": "2353032211",
    "mobile_phone": "+3053032211",
    "url": "clone-systems.com",
    "title": "Software Engineer",
    "address": "Street 33",
    "city": "Athens",
    "state": "State",
    "country": "Greece",
    "zipcode": "10431",
    "comment": "A comment",
}
DETAILS = ("first_name", "last_name", "phone", "mobile_phone", "url", "title", "address", "city", "state",
           "country", "zipcode", "comment")


def read(client, user):
    response = client.get(f"/v2/users/{user.pk}", {"details": "true"})
    assert response.status_code == 200
    return response.json()["data"]["attributes"]


def test_the_documented_example_persists_every_field(api, world):
    client = api.as_user(world.partner)
    body = {"user": {**DOCUMENTED, "organization_id": str(world.partner_org.pk),
                     "locale": "el", "timezone": "Europe/Athens"}}
    response = client.put(f"/v2/users/{world.user.pk}", body)
    assert response.status_code == 200
    assert response.json() == {}
    attributes = read(client, world.user)
    assert attributes["email"] == "user@clone-systems.com"
    assert attributes["organization"]["id"] == str(world.partner_org.pk)
    assert attributes["locale"] == "el"
    assert attributes["timezone"] == "Europe/Athens"
    assert attributes["details"] == {name: DOCUMENTED[name] for name in DETAILS}


def test_every_field_is_optional(api, world):
    client = api.as_user(world.manager)
    before = read(client, world.user)
    assert client.put(f"/v2/users/{world.user.pk}", {"user": {}}).json() == {}
    after = read(client, world.user)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"}


@pytest.mark.parametrize("name", [*DETAILS, "email", "locale", "timezone"])
def test_each_field_alone(api, world, name):
    client = api.as_user(world.manager)
    value = {"email": "solo@example.com", "locale": "de", "timezone": "America/New_York"}.get(name, DOCUMENTED.get(name))
    assert client.put(f"/v2/users/{world.user.pk}", {"user": {name: value}}).status_code == 200
    attributes = read(client, world.user)
    assert (attributes["details"][name] if name in DETAILS else attributes[name]) == value


def test_unwrapped_body_is_accepted(api, world):
    client = api.as_user(world.manager)
    assert client.put(f"/v2/users/{world.user.pk}", {"city": "Patras"}).json() == {}
    assert read(client, world.user)["details"]["city"] == "Patras"


def test_blank_detail_fields_clear_them(api, world):
    client = api.as_user(world.manager)
    client.put(f"/v2/users/{world.user.pk}", {"user": {"city": "Athens", "phone": "+302101234567"}})
    client.put(f"/v2/users/{world.user.pk}", {"user": {"city": "", "phone": ""}})
    details = read(client, world.user)["details"]
    assert (details["city"], details["phone"]) == ("", "")


def test_unknown_attributes_are_ignored(api, world):
    client = api.as_user(world.manager)
    assert client.put(f"/v2/users/{world.user.pk}", {"user": {"shoe_size": 44, "city": "Volos"}}).json() == {}
    assert read(client, world.user)["details"]["city"] == "Volos"


def test_organization_id_of_the_same_organization_is_accepted_from_a_manager(api, world):
    client = api.as_user(world.manager)
    response = client.put(f"/v2/users/{world.user.pk}", {"user": {"organization_id": str(world.customer.pk)}})
    assert response.json() == {}


def test_admin_moves_a_user_anywhere(api, world):
    client = api.as_user(world.admin)
    response = client.put(f"/v2/users/{world.other_user.pk}", {"user": {"organization_id": str(world.customer.pk)}})
    assert response.status_code == 200
    assert read(client, world.other_user)["organization"]["id"] == str(world.customer.pk)


def test_role_within_the_callers_rank(api, world):
    client = api.as_user(world.manager)
    assert client.put(f"/v2/users/{world.user.pk}", {"user": {"role": "Manager"}}).json() == {}
    assert read(client, world.user)["role"] == "Manager"


# --- 422 naming the field ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-address"),
        ("email", "user@"),
        ("email", ""),
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", ""),
        ("locale", "xx-klingon"),
        ("locale", "zz"),
        ("phone", "call me maybe"),
        ("phone", "12"),
        ("mobile_phone", "+30 abc 555"),
        ("mobile_phone", "1" * 30),
        ("organization_id", "nope"),
        ("organization_id", "5f1a7c3e-9d2b-4e8f-b6a0-1c3d5e7f9b24"),
        ("first_name", ["a", "list"]),
        ("city", {"an": "object"}),
        ("comment", None),
        ("zipcode", "9" * 40),
    ],
)
def test_bad_value_is_422_naming_the_field(api, world, field, value):
    client = api.as_user(world.partner)
    before = read(client, world.user)
    response = client.put(f"/v2/users/{world.user.pk}", {"user": {field: value, "state": "Changed"}})
    body = assert_error(response, 422, field)
    assert body["status_text"] == "Parameter Error"
    assert body["message"].startswith("Validation failed: ")
    assert read(client, world.user)["details"]["state"] == before["details"]["state"], "nothing is saved"


def test_email_of_another_user_is_422(api, world):
    response = api.as_user(world.manager).put(f"/v2/users/{world.user.pk}", {"user": {"email": "VIEWER@example.com"}})
    assert_error(response, 422, "email")


def test_keeping_ones_own_email_is_fine(api, world):
    response = api.as_user(world.manager).put(f"/v2/users/{world.user.pk}", {"user": {"email": world.user.email}})
    assert response.json() == {}


@pytest.mark.parametrize("caller", ["manager", "partner"])
def test_organization_outside_reach_is_422(api, world, caller):
    client = api.as_user(getattr(world, caller))
    response = client.put(f"/v2/users/{world.user.pk}", {"user": {"organization_id": str(world.other_org.pk)}})
    assert_error(response, 422, "organization_id")
    assert read(client, world.user)["organization"]["id"] == str(world.customer.pk)


def test_manager_cannot_move_a_user_out_of_its_organization(api, world):
    # Even into an organization the manager could otherwise name: only partners and staff move users.
    sibling = OrganizationFactory(parent=world.partner_org)
    response = api.as_user(world.manager).put(
        f"/v2/users/{world.user.pk}", {"user": {"organization_id": str(sibling.pk)}})
    assert_error(response, 422, "organization_id")


@pytest.mark.parametrize(("caller", "role"), [("manager", "Partner"), ("manager", "Admin"), ("partner", "Admin")])
def test_role_above_the_caller_is_422(api, world, caller, role):
    response = api.as_user(getattr(world, caller)).put(f"/v2/users/{world.user.pk}", {"user": {"role": role}})
    assert_error(response, 422, "role")


def test_demoting_the_last_manager_is_422(api, world):
    response = api.as_user(world.partner).put(f"/v2/users/{world.manager.pk}", {"user": {"role": "User"}})
    assert_error(response, 422, "role")


# --- 401, 403, 404 -----------------------------------------------------------------------------

def test_no_credentials_is_401(api, world):
    assert_error(api.put(f"/v2/users/{world.user.pk}", {"user": {"city": "X"}}), 401)


def test_bad_bearer_token_is_401(api, world):
    response = api.put(f"/v2/users/{world.user.pk}", {"user": {"city": "X"}}, HTTP_AUTHORIZATION="Bearer nonsense")
    assert_error(response, 401)


def test_missing_api_key_is_401(api, world):
    client = api.as_user(world.manager)
    del client.headers["HTTP_X_API_KEY"]
    assert_error(client.put(f"/v2/users/{world.user.pk}", {"user": {"city": "X"}}), 401)


@pytest.mark.parametrize("caller", ["viewer", "user"])
def test_roles_below_manager_are_403(api, world, caller):
    response = api.as_user(getattr(world, caller)).put(f"/v2/users/{world.user.pk}", {"user": {"city": "X"}})
    assert_error(response, 403)


def test_manager_cannot_edit_a_user_ranked_above(api, world):
    boss = UserFactory(role="Partner", organization=world.customer)
    assert_error(api.as_user(world.manager).put(f"/v2/users/{boss.pk}", {"user": {"city": "X"}}), 403)


@pytest.mark.parametrize("target", ["other_user", "other_manager", "partner", "admin"])
def test_users_out_of_reach_are_404(api, world, target):
    response = api.as_user(world.manager).put(f"/v2/users/{getattr(world, target).pk}", {"user": {"city": "X"}})
    assert_error(response, 404)


@pytest.mark.parametrize("raw_id", ["nope", "1", "3b9e2a41-6c0d-4f7e-8a15-2d4c6e8f0a13", "7c60d51f-b44e-4682-87d6-449835ea4de"])
def test_malformed_or_unknown_id_is_404(api, world, raw_id):
    assert_error(api.as_user(world.admin).put(f"/v2/users/{raw_id}", {"user": {"city": "X"}}), 404)


def test_partner_edits_customer_users_not_others(api, world):
    client = api.as_user(world.partner)
    assert client.put(f"/v2/users/{world.manager.pk}", {"user": {"city": "Larissa"}}).json() == {}
    assert_error(client.put(f"/v2/users/{world.other_user.pk}", {"user": {"city": "X"}}), 404)


def test_trailing_slash(api, world):
    assert api.as_user(world.manager).put(f"/v2/users/{world.user.pk}/", {"user": {"city": "X"}}).json() == {}

"""The User section of endpoints.md: /v2/user/... (the signed-in user's own routes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.services.permissions import PERMISSION_NAMES
from tests.api_mixins import assert_error, assert_list_envelope, assert_resource
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestMe:
    def test_get(self, api, world):
        response = api.as_user(world.user).get("/v2/user/me")
        assert response.status_code == 200
        assert_resource(response.json()["data"], "user")
        assert response.json()["data"]["attributes"]["username"] == "plainuser"

    def test_details(self, api, world):
        attributes = api.as_user(world.user).get("/v2/user/me", {"details": "true"}).json()["data"]["attributes"]
        assert "details" in attributes

    def test_bad_boolean_is_422(self, api, world):
        assert_error(api.as_user(world.user).get("/v2/user/me", {"details": "maybe"}), 422, "details")

    @pytest.mark.parametrize("role", ["viewer", "user", "manager", "partner", "admin"])
    def test_every_role_updates_its_own_profile(self, api, world, role):
        client = api.as_user(getattr(world, role))
        response = client.put("/v2/user/me", {"user": {"city": "Chania", "timezone": "Europe/Athens"}})
        assert response.status_code == 200
        assert_resource(response.json()["data"], "user")
        attributes = client.get("/v2/user/me", {"details": "true"}).json()["data"]["attributes"]
        assert (attributes["details"]["city"], attributes["timezone"]) == ("Chania", "Europe/Athens")

    def test_role_and_organization_are_not_self_service(self, api, world):
        client = api.as_user(world.user)
        client.put("/v2/user/me", {"user": {"role": "Admin", "organization_id": str(world.other_org.pk)}})
        world.user.refresh_from_db()
        assert (world.user.role, world.user.organization_id) == ("User", world.customer.pk)

    @pytest.mark.parametrize(("field", "value"), [("email", "bad"), ("timezone", "Nowhere"), ("locale", "qq"),
                                                  ("phone", "letters")])
    def test_bad_value_is_422(self, api, world, field, value):
        assert_error(api.as_user(world.user).put("/v2/user/me", {"user": {field: value}}), 422, field)

    def test_needs_credentials(self, api, world):
        assert_error(api.get("/v2/user/me"), 401)

    def test_delete_my_account(self, api, world):
        client = api.as_user(world.user)
        response = client.delete("/v2/user/me")
        assert (response.status_code, response.json()) == (200, {})
        assert not User.objects.filter(pk=world.user.pk).exists()
        assert_error(client.get("/v2/user/me"), 401)

    def test_last_manager_cannot_delete_the_account(self, api, world):
        assert_error(api.as_user(world.manager).delete("/v2/user/me"), 422)
        assert User.objects.filter(pk=world.manager.pk).exists()


class TestCanBeDeleted:
    def test_plain_user(self, api, world):
        response = api.as_user(world.user).get("/v2/user/can_be_deleted")
        assert response.json() == {"can_be_deleted": True, "reasons": []}

    def test_last_manager(self, api, world):
        body = api.as_user(world.manager).get("/v2/user/can_be_deleted").json()
        assert body["can_be_deleted"] is False
        assert body["reasons"] and all(isinstance(r, str) for r in body["reasons"])

    def test_agrees_with_delete(self, api, world):
        UserFactory(role="Manager", organization=world.customer)
        client = api.as_user(world.manager)
        assert client.get("/v2/user/can_be_deleted").json()["can_be_deleted"] is True
        assert client.delete("/v2/user/me").status_code == 200


class TestPassword:
    URL = "/v2/user/password"

    def body(self, **overrides):
        return {"current_password": PASSWORD, "password": "a-brand-new-secret-9",
                "password_confirmation": "a-brand-new-secret-9", **overrides}

    def test_change_revokes_other_sessions_but_not_this_one(self, api, world):
        other = api.as_user(world.user)
        client = api.as_user(world.user)
        assert client.put(self.URL, self.body()).status_code == 200
        assert client.get("/v2/user/me").status_code == 200
        assert_error(other.get("/v2/user/me"), 401)
        assert api.post("/auth/sign_in", {"username": "plainuser", "password": "a-brand-new-secret-9"}).status_code == 200
        assert_error(api.post("/auth/sign_in", {"username": "plainuser", "password": PASSWORD}), 401)

    def test_change_revokes_the_access_token(self, api, world):
        client = api.as_user(world.user)
        token = client.put("/v2/user/generate_access_token").json()["token"]
        client.put(self.URL, self.body())
        assert_error(api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Basic {token}"), 401)

    def test_wrapped_body(self, api, world):
        assert api.as_user(world.user).put(self.URL, {"user": self.body()}).status_code == 200

    @pytest.mark.parametrize(("overrides", "field"), [
        ({"current_password": "wrong"}, "current_password"),
        ({"current_password": None}, "current_password"),
        ({"password_confirmation": "something-else-99"}, "password_confirmation"),
        ({"password": "short", "password_confirmation": "short"}, "password"),
        ({"password": "plainuser1234", "password_confirmation": "plainuser1234"}, "password"),
    ])
    def test_refusals(self, api, world, overrides, field):
        assert_error(api.as_user(world.user).put(self.URL, self.body(**overrides)), 422, field)
        world.user.refresh_from_db()
        assert world.user.check_password(PASSWORD)

    def test_viewer_may_change_its_password(self, api, world):
        assert api.as_user(world.viewer).put(self.URL, self.body()).status_code == 200


class TestMembers:
    def test_lists_the_callers_organization(self, api, world):
        response = api.as_user(world.viewer).get("/v2/user/members")
        assert response.status_code == 200
        assert_list_envelope(response.json(), "user")
        assert {i["attributes"]["username"] for i in response.json()["data"]} == {"manager", "plainuser", "viewer"}

    def test_partner_sees_only_its_own_organization_here(self, api, world):
        names = {i["attributes"]["username"] for i in api.as_user(world.partner).get("/v2/user/members").json()["data"]}
        assert names == {"partner"}

    def test_filters_and_sorts(self, api, world):
        client = api.as_user(world.manager)
        response = client.get("/v2/user/members", {"q[username]": "man*", "sort_by": "username asc"})
        assert [i["attributes"]["username"] for i in response.json()["data"]] == ["manager"]
        assert_error(client.get("/v2/user/members", {"q[password]": "x"}), 422, "q[password]")

    @pytest.mark.parametrize("role", ["admin", "partner", "manager"])
    def test_query_count_does_not_grow_with_page_size(self, api, world, role):
        caller = getattr(world, role)
        for _ in range(12):
            UserFactory(organization=caller.organization)
        client = api.as_user(caller)
        client.get("/v2/user/members", {"per_page": 1})
        counts = []
        for per_page in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/v2/user/members", {"per_page": per_page}).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestOrganization:
    def test_get(self, api, world):
        response = api.as_user(world.viewer).get("/v2/user/organization")
        assert response.status_code == 200
        assert_resource(response.json()["data"], "organization")
        assert response.json()["data"]["id"] == str(world.customer.pk)

    def test_update_answers_empty(self, api, world):
        client = api.as_user(world.manager)
        response = client.put("/v2/user/organization", {"organization": {"name": "Renamed", "city": "Athens"}})
        assert (response.status_code, response.json()) == (200, {})
        attributes = client.get("/v2/user/organization").json()["data"]["attributes"]
        assert (attributes["name"], attributes["details"]["city"]) == ("Renamed", "Athens")

    @pytest.mark.parametrize("role", ["viewer", "user"])
    def test_below_manager_is_403(self, api, world, role):
        assert_error(api.as_user(getattr(world, role)).put("/v2/user/organization", {"organization": {"name": "X"}}), 403)

    def test_invalid_is_422(self, api, world):
        response = api.as_user(world.manager).put("/v2/user/organization", {"organization": {"name": ""}})
        assert_error(response, 422, "name")

    def test_manager_cannot_make_its_organization_a_partner(self, api, world):
        response = api.as_user(world.manager).put("/v2/user/organization", {"organization": {"partner": True}})
        assert_error(response, 422, "partner")


class TestTokens:
    def test_validate_token(self, api, world):
        body = api.as_user(world.user).get("/v2/user/validate_token").json()
        assert body["valid"] is True
        assert body["expires_at"].endswith("Z")

    def test_validate_bad_token_is_401(self, api, world):
        assert_error(api.get("/v2/user/validate_token", HTTP_AUTHORIZATION="Bearer x.y.z"), 401)

    def test_access_token_lifecycle(self, api, world):
        client = api.as_user(world.user)
        first = client.put("/v2/user/generate_access_token").json()
        assert set(first) == {"token", "username", "message"}
        assert first["username"] == "plainuser"
        basic = {"HTTP_AUTHORIZATION": f"Basic {first['token']}"}
        assert api.get("/v2/user/me", **basic).json()["data"]["attributes"]["username"] == "plainuser"
        assert api.get("/v2/user/validate_token", **basic).json()["valid"] is True

        second = client.put("/v2/user/generate_access_token").json()["token"]
        assert second != first["token"]
        assert_error(api.get("/v2/user/me", **basic), 401)
        assert api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Basic {second}").status_code == 200

        assert client.put("/v2/user/revoke_access_token").status_code == 200
        assert_error(api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Basic {second}"), 401)

    def test_access_token_is_stored_hashed(self, api, world):
        token = api.as_user(world.user).put("/v2/user/generate_access_token").json()["token"]
        world.user.refresh_from_db()
        assert world.user.access_token_hash and token not in world.user.access_token_hash

    def test_viewer_may_generate_its_access_token(self, api, world):
        assert api.as_user(world.viewer).put("/v2/user/generate_access_token").status_code == 200


class TestPermissions:
    def test_all_flags(self, api, world):
        flags = api.as_user(world.manager).get("/v2/user/permissions").json()["permissions"]
        assert set(flags) == set(PERMISSION_NAMES)
        assert all(isinstance(v, bool) for v in flags.values())
        assert flags["ADMIN_ACCESS"] is False

    def test_selected_flags(self, api, world):
        response = api.as_user(world.admin).get("/v2/user/permissions", {"permissions": "ADMIN_ACCESS,SCANNER_ACCESS"})
        assert response.json() == {"permissions": {"ADMIN_ACCESS": True, "SCANNER_ACCESS": True}}

    def test_viewer_cannot_create(self, api, world):
        flags = api.as_user(world.viewer).get("/v2/user/permissions").json()["permissions"]
        assert flags["SCANNER_ACCESS"] is True
        assert flags["SCANNER_CREATE"] is False and flags["PORT_LIST_CREATE"] is False


class TestTransferResources:
    URL = "/v2/user/transfer_resources"

    def test_admin_in_the_same_organization(self, api, world):
        other = UserFactory(organization=world.customer)
        response = api.as_user(world.admin).put(
            self.URL, {"from_user_id": str(world.user.pk), "to_user_id": str(other.pk)})
        assert response.status_code == 200

    def test_moves_registered_resources(self, api, world, monkeypatch):
        from accounts.models import ApiKey
        from accounts.services import users as user_services
        from accounts.services.api_keys import create_api_key

        monkeypatch.setattr(user_services, "TRANSFERABLE", [(ApiKey, "user")])
        other = UserFactory(organization=world.customer)
        key, _secret = create_api_key(name="owned", organization=world.customer, user=world.user)
        response = api.as_user(world.admin).put(
            self.URL, {"from_user_id": str(world.user.pk), "to_user_id": str(other.pk)})
        assert response.json()["transferred"] == {"API_keys": 1}
        key.refresh_from_db()
        assert key.user == other

    def test_query_parameters(self, api, world):
        other = UserFactory(organization=world.customer)
        response = api.as_user(world.admin).put(
            self.URL, params={"from_user_id": str(world.user.pk), "to_user_id": str(other.pk)})
        assert response.status_code == 200

    @pytest.mark.parametrize("role", ["manager", "partner", "user", "viewer"])
    def test_admin_only(self, api, world, role):
        body = {"from_user_id": str(world.user.pk), "to_user_id": str(world.viewer.pk)}
        assert_error(api.as_user(getattr(world, role)).put(self.URL, body), 403)

    def test_different_organizations_is_422(self, api, world):
        body = {"from_user_id": str(world.user.pk), "to_user_id": str(world.other_user.pk)}
        assert_error(api.as_user(world.admin).put(self.URL, body), 422, "to_user_id")

    @pytest.mark.parametrize(("body", "field"), [
        ({}, "from_user_id"),
        ({"from_user_id": "junk", "to_user_id": "junk"}, "from_user_id"),
        ({"from_user_id": "00000000-0000-0000-0000-000000000000", "to_user_id": "junk"}, "from_user_id"),
    ])
    def test_bad_ids_are_422(self, api, world, body, field):
        assert_error(api.as_user(world.admin).put(self.URL, body), 422, field)

    def test_same_user_is_422(self, api, world):
        body = {"from_user_id": str(world.user.pk), "to_user_id": str(world.user.pk)}
        assert_error(api.as_user(world.admin).put(self.URL, body), 422, "to_user_id")


class TestWithoutOrganization:
    """An account an operator left without an organization (possible in the admin) sees nothing."""

    def test_sees_no_organization_and_no_members(self, api, world):
        lone = UserFactory(username="lone", organization=None, role="Manager")
        UserFactory(username="lone2", organization=None)
        client = api.as_user(lone)
        assert_error(client.get("/v2/user/organization"), 404)
        assert_error(client.put("/v2/user/organization", {"organization": {"name": "X"}}), 404)
        assert client.get("/v2/user/members").json()["data"] == []
        assert client.get("/v2/users").json()["data"] == []
        assert client.get("/v2/organizations").json()["data"] == []

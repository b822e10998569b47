"""User Preferences: GET /v2/user/preferences and PUT /v2/user/preferences/notifications/{name},
and the service the events app reads."""

import pytest

from accounts.services.preferences import preference_for, recipients
from tests.api_mixins import assert_error, assert_list_envelope

pytestmark = pytest.mark.django_db

NAMES = ["scan_event", "report_event", "exception_event", "overdue_pci_reminder"]


@pytest.fixture
def me(api, world):
    return api.as_user(world.user)


def attributes_by_name(body):
    return {item["attributes"]["name"]: item["attributes"] for item in body["data"]}


class TestGet:
    def test_the_defaults(self, me):
        response = me.get("/v2/user/preferences")
        assert response.status_code == 200
        body = response.json()
        assert_list_envelope(body, "preference")
        assert [item["attributes"]["name"] for item in body["data"]] == NAMES
        prefs = attributes_by_name(body)
        for name in ("scan_event", "report_event"):
            assert (prefs[name]["enabled"], prefs[name]["in_app"], prefs[name]["email"]) == (True, True, True)
        for name in ("exception_event", "overdue_pci_reminder"):
            assert (prefs[name]["enabled"], prefs[name]["in_app"], prefs[name]["email"]) == (True, True, False)
        assert prefs["scan_event"]["channels"] == {"in_app": True, "email": True}

    def test_401(self, api):
        assert_error(api.get("/v2/user/preferences"), 401)

    def test_each_user_has_their_own(self, api, world, me):
        me.put("/v2/user/preferences/notifications/scan_event", {"preference": {"email": False}})
        other = attributes_by_name(api.as_user(world.manager).get("/v2/user/preferences").json())
        assert other["scan_event"]["email"] is True


class TestPut:
    def test_update_answers_the_updated_preference(self, me):
        response = me.put("/v2/user/preferences/notifications/report_event",
                          {"preference": {"enabled": True, "email": False, "in_app": True}})
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["type"] == "preference"
        assert (data["attributes"]["name"], data["attributes"]["email"]) == ("report_event", False)
        assert attributes_by_name(me.get("/v2/user/preferences").json())["report_event"]["email"] is False

    def test_partial_and_unwrapped_bodies(self, me):
        me.put("/v2/user/preferences/notifications/exception_event", {"email": True})
        prefs = attributes_by_name(me.get("/v2/user/preferences").json())
        assert (prefs["exception_event"]["email"], prefs["exception_event"]["in_app"]) == (True, True)

    def test_an_unknown_name_is_422(self, me):
        assert_error(me.put("/v2/user/preferences/notifications/weather", {"preference": {"email": True}}), 422, "name")

    def test_a_wrong_type_is_422_naming_the_field(self, me):
        assert_error(me.put("/v2/user/preferences/notifications/scan_event",
                            {"preference": {"enabled": "perhaps"}}), 422, "enabled")

    def test_401(self, api):
        assert_error(api.put("/v2/user/preferences/notifications/scan_event", {"preference": {"email": True}}), 401)

    def test_a_viewer_may_change_its_own(self, api, world):
        response = api.as_user(world.viewer).put("/v2/user/preferences/notifications/scan_event", {"email": False})
        assert response.status_code == 200


class TestService:
    def test_preference_for_gives_defaults_then_stored_values(self, me, world):
        assert preference_for(world.user, "scan_event").wants("email") is True
        assert preference_for(world.user, "exception_event").wants("email") is False
        me.put("/v2/user/preferences/notifications/scan_event", {"preference": {"enabled": False}})
        pref = preference_for(world.user, "scan_event")
        assert pref.wants("email") is False and pref.wants("in_app") is False

    def test_recipients_in_one_query(self, me, world, django_assert_num_queries):
        me.put("/v2/user/preferences/notifications/scan_event", {"preference": {"email": False}})
        users = [world.user, world.manager, world.viewer]
        with django_assert_num_queries(1):
            wanting = recipients(users, "scan_event", "email")
        assert wanting == [world.manager, world.viewer]

"""Password policy on PUT /v2/user/password: the current password, Django's validators, and
the user's other sessions and access token revoked."""

import pytest

from accounts.services.tokens import issue_session_token
from tests.api_mixins import assert_error
from tests.conftest import PASSWORD

from .support import sign_in

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase-42"


def body(**overrides):
    return {"current_password": PASSWORD, "password": NEW, "password_confirmation": NEW, **overrides}


def test_change_revokes_other_sessions_and_the_access_token(api, world):
    me = api.as_user(world.user)
    other = api.as_user(world.user)
    access_token = me.put("/v2/user/generate_access_token").json()["token"]
    assert me.put("/v2/user/password", body()).status_code == 200
    assert me.get("/v2/user/me").status_code == 200  # this session stays
    assert_error(other.get("/v2/user/me"), 401)
    assert_error(api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Basic {access_token}"), 401)
    assert_error(sign_in(api, world.user), 401)
    assert sign_in(api, world.user, NEW).status_code == 200


@pytest.mark.parametrize("overrides, field", [
    ({"current_password": "wrong"}, "current_password"),
    ({"current_password": None}, "current_password"),
    ({"password": None, "password_confirmation": None}, "password"),
    ({"password": "short", "password_confirmation": "short"}, "password"),
    ({"password": "98765432109876", "password_confirmation": "98765432109876"}, "password"),
    ({"password": "qwertyuiop", "password_confirmation": "qwertyuiop"}, "password"),
    ({"password_confirmation": "different-passphrase-1"}, "password_confirmation"),
    ({"password_confirmation": None}, "password_confirmation"),
    ({"password": 1234567890123, "password_confirmation": 1234567890123}, "password"),
])
def test_422_names_the_field(api, world, overrides, field):
    assert_error(api.as_user(world.user).put("/v2/user/password", body(**overrides)), 422, field)
    assert sign_in(api, world.user).status_code == 200  # unchanged


def test_similar_to_the_username_is_refused(api, world):
    similar = world.user.username + "1"
    assert_error(api.as_user(world.user).put("/v2/user/password", body(password=similar, password_confirmation=similar)),
                 422, "password")


def test_401(api):
    assert_error(api.put("/v2/user/password", body()), 401)


def test_keeps_only_the_calling_session(api, world):
    _token, session = issue_session_token(world.user)
    api.as_user(world.user).put("/v2/user/password", body())
    session.refresh_from_db()
    assert session.revoked_at is not None

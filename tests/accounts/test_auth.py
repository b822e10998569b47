"""POST /auth/sign_in and DELETE /auth/sign_out (conventions.md, Authentication)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import SessionToken
from tests.api_mixins import assert_error
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN_KEYS = {"status", "status_text", "username", "token", "sign_in_count", "role", "timezone",
                "verified", "provider", "organization"}


def sign_in(api, username="manager", password=PASSWORD, **extra):
    return api.post("/auth/sign_in", {"username": username, "password": password}, **extra)


class TestSignIn:
    def test_documented_body(self, api, world):
        response = sign_in(api)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == SIGN_IN_KEYS
        assert (body["status"], body["status_text"], body["username"]) == (200, "OK", "manager")
        assert (body["role"], body["timezone"], body["verified"], body["provider"]) == ("Manager", "UTC", True, "email")
        assert body["sign_in_count"] == 1
        assert body["organization"] == {"uuid": str(world.customer.pk), "name": "Customer Org"}
        assert api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}").status_code == 200

    def test_sign_in_count_and_last_sign_in_are_recorded(self, api, world):
        sign_in(api)
        body = sign_in(api).json()
        assert body["sign_in_count"] == 2
        world.manager.refresh_from_db()
        assert world.manager.last_sign_in_at is not None and world.manager.last_sign_in_ip == "127.0.0.1"

    def test_by_email_any_case(self, api, world):
        assert sign_in(api, "Manager@Example.com").json()["username"] == "manager"

    def test_username_any_case(self, api, world):
        assert sign_in(api, "MANAGER").status_code == 200

    def test_query_parameters(self, api, world):
        response = api.post("/auth/sign_in", params={"username": "manager", "password": PASSWORD})
        assert response.status_code == 200
        assert response.json()["token"]

    def test_wrapped_body(self, api, world):
        response = api.post("/auth/sign_in", {"user": {"username": "manager", "password": PASSWORD}})
        assert response.status_code == 200

    def test_trailing_slash(self, api, world):
        assert api.post("/auth/sign_in/", {"username": "manager", "password": PASSWORD}).status_code == 200

    def test_token_carries_jti_and_expiry(self, api, world, settings):
        import jwt

        token = sign_in(api).json()["token"]
        claims = jwt.decode(token, options={"verify_signature": False})
        assert {"jti", "exp", "sub"} <= set(claims)
        assert claims["sub"] == str(world.manager.pk)
        assert SessionToken.objects.filter(jti=claims["jti"], user=world.manager).exists()

    def test_wrong_password_and_unknown_user_answer_alike(self, api, world):
        wrong = assert_error(sign_in(api, password="nope-nope-nope"), 401)
        unknown = assert_error(sign_in(api, username="nobody"), 401)
        assert wrong == unknown
        assert "exist" not in wrong["message"].lower()

    def test_inactive_user_is_401(self, api, world):
        world.manager.is_active = False
        world.manager.save()
        assert_error(sign_in(api), 401)

    @pytest.mark.parametrize(("body", "field"), [
        ({"password": PASSWORD}, "username"),
        ({"username": "manager"}, "password"),
        ({"username": ["manager"], "password": PASSWORD}, "username"),
        ({"username": "man\x00ager", "password": PASSWORD}, "username"),
    ])
    def test_missing_or_bad_fields_are_422(self, api, world, body, field):
        assert_error(api.post("/auth/sign_in", body), 422, field)

    def test_needs_the_api_key(self, api, world):
        assert_error(api.client.post("/auth/sign_in", {"username": "manager", "password": PASSWORD},
                                     content_type="application/json"), 401)

    def test_get_is_405(self, api, world):
        assert_error(api.get("/auth/sign_in"), 405)

    def test_a_key_of_another_organization_is_refused(self, api, world):
        """The key must be one the user's requests may carry, else the token would be refused."""
        from accounts.services.api_keys import create_api_key
        from tests.conftest import ApiClient

        _key, other_secret = create_api_key(name="Other org key", organization=world.other_org)
        assert_error(sign_in(ApiClient(other_secret)), 401)
        _key, customer_secret = create_api_key(name="Customer key", organization=world.customer)
        assert sign_in(ApiClient(customer_secret)).status_code == 200  # the user's own organization
        _key, partner_secret = create_api_key(name="Partner key", organization=world.partner_org)
        assert sign_in(ApiClient(partner_secret)).status_code == 200  # an ancestor (the partner)


class TestThrottling:
    def test_repeated_failures_for_one_username_are_429_with_retry_after(self, api, world, settings):
        settings.SIGN_IN_MAX_FAILURES = 3
        for _ in range(3):
            assert_error(sign_in(api, password="wrong-wrong-wrong"), 401)
        response = sign_in(api, password="wrong-wrong-wrong")
        assert_error(response, 429)
        assert int(response["Retry-After"]) > 0
        # Even the right password is refused while throttled.
        assert_error(sign_in(api), 429)

    def test_unknown_usernames_are_throttled_the_same_way(self, api, world, settings):
        settings.SIGN_IN_MAX_FAILURES = 2
        for _ in range(2):
            assert_error(sign_in(api, username="ghost"), 401)
        assert_error(sign_in(api, username="ghost"), 429)

    def test_one_address_trying_many_usernames_is_throttled(self, api, world, settings):
        settings.SIGN_IN_IP_MAX_FAILURES = 3
        for name in ("a1", "a2", "a3"):
            assert_error(sign_in(api, username=name), 401)
        response = sign_in(api)
        assert_error(response, 429)
        assert response["Retry-After"]

    def test_lockout_lasts_for_the_configured_time(self, api, world, settings):
        settings.SIGN_IN_MAX_FAILURES = 2
        settings.SIGN_IN_LOCKOUT = timedelta(minutes=10)
        settings.SIGN_IN_FAILURE_WINDOW = 60
        for _ in range(2):
            sign_in(api, password="wrong-wrong-wrong")
        world.manager.refresh_from_db()
        assert world.manager.locked_until is not None
        from django.core.cache import cache

        cache.clear()  # the per-username counter is gone; the account lock still holds
        assert_error(sign_in(api), 429)
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            assert sign_in(api).status_code == 200

    def test_success_resets_the_failure_count(self, api, world, settings):
        settings.SIGN_IN_MAX_FAILURES = 3
        sign_in(api, password="wrong-wrong-wrong")
        sign_in(api, password="wrong-wrong-wrong")
        assert sign_in(api).status_code == 200
        sign_in(api, password="wrong-wrong-wrong")
        sign_in(api, password="wrong-wrong-wrong")
        assert sign_in(api).status_code == 200


class TestSessions:
    def test_expired_jwt_is_401(self, api, world, settings):
        token = sign_in(api).json()["token"]
        with time_machine.travel(timezone.now() + settings.JWT_TTL + timedelta(seconds=5)):
            assert_error(api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Bearer {token}"), 401)
        assert api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    def test_sign_out_revokes_at_once(self, api, world):
        token = sign_in(api).json()["token"]
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        response = api.delete("/auth/sign_out", **bearer)
        assert (response.status_code, response.json()) == (200, {})
        assert_error(api.get("/v2/user/me", **bearer), 401)
        assert_error(api.get("/v2/user/validate_token", **bearer), 401)

    def test_sign_out_leaves_other_sessions(self, api, world):
        first, second = sign_in(api).json()["token"], sign_in(api).json()["token"]
        api.delete("/auth/sign_out", HTTP_AUTHORIZATION=f"Bearer {first}")
        assert api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200

    def test_sign_out_without_credentials_is_401(self, api, world):
        assert_error(api.delete("/auth/sign_out"), 401)

    @pytest.mark.parametrize("header", ["Bearer", "Bearer garbage", "Token abc", "Basic nope",
                                        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."])
    def test_bad_authorization_is_401(self, api, world, header):
        body = assert_error(api.get("/v2/user/me", HTTP_AUTHORIZATION=header), 401)
        assert "Traceback" not in body["message"]

    def test_token_signed_with_another_secret_is_401(self, api, world):
        import jwt

        claims = {"sub": str(world.manager.pk), "jti": "4b0c6a52-9a4e-4a71-9a1f-0c4c0f0d1a11",
                  "exp": int((timezone.now() + timedelta(hours=1)).timestamp())}
        forged = jwt.encode(claims, "not-the-secret-at-all-not-the-secret", algorithm="HS256")
        assert_error(api.get("/v2/user/me", HTTP_AUTHORIZATION=f"Bearer {forged}"), 401)

    def test_deactivated_user_token_stops_working(self, api, world):
        client = api.as_user(world.user)
        world.user.is_active = False
        world.user.save()
        assert_error(client.get("/v2/user/me"), 401)

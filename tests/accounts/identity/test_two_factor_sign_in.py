"""Sign-in with two-factor authentication (conventions.md) and the pre-login 2FA routes:
/auth/sign_in's two calls, /auth/check_2fa, /auth/send_sms_otp, /auth/sign_in_with_recovery_code."""

import pyotp
import pytest

from accounts.models import User
from tests.api_mixins import assert_error
from tests.conftest import PASSWORD

from .support import enable_totp, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def totp_user(api, world, clock):
    """world.user with TOTP on; returns its secret and recovery codes."""
    secret, codes = enable_totp(api.as_user(world.user), clock)
    return pyotp.TOTP(secret), codes


@pytest.fixture
def sms_user(api, world, sms_files, clock):
    me = api.as_user(world.user)
    me.put("/v2/user/mfa/enable", {"method": "sms", "phone_number": "6912345678", "country_code": "30"})
    me.put("/v2/user/mfa/verify_installation", {"method": "sms", "otp_attempt": sms_files.last_code()})
    clock.shift(31)
    return world.user


def otp_state(api, user):
    body = sign_in(api, user).json()
    assert body["otp_required"] is True and "token" not in body
    return body["otp_session_state"]


class TestTotpSignInFlow:
    def test_the_documented_flow_end_to_end(self, api, world, totp_user, clock):
        totp, codes = totp_user
        # The password alone gives no token but the documented otp_required body.
        response = sign_in(api, world.user)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"status", "status_text", "otp_required", "otp_session_state", "otp_methods"}
        assert (body["status"], body["status_text"], body["otp_methods"]) == (200, "OK", ["totp"])
        state = body["otp_session_state"]
        # A wrong code is refused.
        assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": "000000"}), 401)
        # The right code (username/password omitted) gives the token.
        code = totp.now()
        response = api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": code})
        assert response.status_code == 200
        signed_in = response.json()
        assert signed_in["username"] == world.user.username and signed_in["token"]
        assert api.as_user(None).get("/v2/user/me", HTTP_AUTHORIZATION=f"Bearer {signed_in['token']}").status_code == 200
        # The same code again, in a new sign-in within its window: replay refused.
        state = otp_state(api, world.user)
        assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": code}), 401)
        # A recovery code works once.
        recovery = {"username": world.user.username, "password": PASSWORD, "recovery_code": codes[0]}
        response = api.post("/auth/sign_in_with_recovery_code", recovery)
        assert response.status_code == 200 and response.json()["token"]
        assert_error(api.post("/auth/sign_in_with_recovery_code", recovery), 401)
        # The next window's code works.
        clock.shift(30)
        state = otp_state(api, world.user)
        assert api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()}).status_code == 200

    def test_the_state_is_single_use(self, api, world, totp_user, clock):
        totp, _ = totp_user
        state = otp_state(api, world.user)
        assert api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()}).status_code == 200
        clock.shift(30)
        assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()}), 401)

    def test_the_state_expires_after_five_minutes(self, api, world, totp_user, clock):
        totp, _ = totp_user
        state = otp_state(api, world.user)
        clock.shift(5 * 60 + 1)
        assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()}), 401)

    def test_the_state_allows_five_attempts(self, api, world, totp_user, clock, settings):
        settings.SIGN_IN_MAX_FAILURES = 50  # isolate the per-state limit from the account lockout
        totp, _ = totp_user
        state = otp_state(api, world.user)
        for _ in range(5):
            assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": "000000"}), 401)
        assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()}), 401)

    def test_wrong_codes_lock_the_account_like_wrong_passwords(self, api, world, totp_user, clock):
        totp, _ = totp_user
        for _ in range(5):
            state = otp_state(api, world.user)
            assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": "000000"}), 401)
        response = sign_in(api, world.user)
        assert_error(response, 429)
        assert "Retry-After" in response

    def test_a_made_up_state_is_401(self, api, world, totp_user):
        assert_error(api.post("/auth/sign_in", {"otp_session_state": "nope", "otp_attempt": "123456"}), 401)

    def test_a_missing_code_is_422(self, api, world, totp_user):
        state = otp_state(api, world.user)
        assert_error(api.post("/auth/sign_in", {"otp_session_state": state}), 422, "otp_attempt")

    def test_password_and_code_in_one_call(self, api, world, totp_user):
        totp, _ = totp_user
        response = sign_in(api, world.user, otp_attempt=totp.now())
        assert response.status_code == 200 and response.json()["token"]

    def test_a_wrong_password_never_reaches_the_second_factor(self, api, world, totp_user):
        assert_error(sign_in(api, world.user, password="wrong-password"), 401)

    def test_the_query_string_form_works_too(self, api, world, totp_user):
        totp, _ = totp_user
        state = otp_state(api, world.user)
        response = api.post("/auth/sign_in", params={"otp_session_state": state, "otp_attempt": totp.now()})
        assert response.status_code == 200

    def test_users_without_2fa_still_get_the_token_at_once(self, api, world):
        body = sign_in(api, world.manager).json()
        assert body["token"] and "otp_required" not in body


class TestRecoveryCodeSignIn:
    def test_with_the_pending_session_state(self, api, world, totp_user):
        _, codes = totp_user
        state = otp_state(api, world.user)
        response = api.post("/auth/sign_in_with_recovery_code", {"otp_session_state": state, "recovery_code": codes[1]})
        assert response.status_code == 200 and response.json()["token"]

    def test_codes_are_accepted_with_any_case_and_spacing(self, api, world, totp_user):
        _, codes = totp_user
        code = " " + codes[2].upper().replace("-", " - ") + " "
        response = api.post("/auth/sign_in_with_recovery_code",
                            {"username": world.user.username, "password": PASSWORD, "recovery_code": code})
        assert response.status_code == 200

    def test_a_wrong_password_is_401(self, api, world, totp_user):
        _, codes = totp_user
        assert_error(api.post("/auth/sign_in_with_recovery_code",
                              {"username": world.user.username, "password": "nope", "recovery_code": codes[0]}), 401)

    def test_a_user_without_2fa_has_no_recovery_codes(self, api, world):
        assert_error(api.post("/auth/sign_in_with_recovery_code",
                              {"username": world.manager.username, "password": PASSWORD, "recovery_code": "abcde-fghij"}), 401)

    @pytest.mark.parametrize("missing", ["username", "password", "recovery_code"])
    def test_422_names_the_missing_field(self, api, world, missing):
        body = {"username": world.user.username, "password": PASSWORD, "recovery_code": "abcde-fghij"}
        body.pop(missing)
        assert_error(api.post("/auth/sign_in_with_recovery_code", body), 422, missing)


class TestCheck2fa:
    def test_with_and_without_2fa(self, api, world, totp_user):
        body = {"username": world.user.username, "password": PASSWORD}
        assert api.post("/auth/check_2fa", body).json() == {"otp_required": True, "otp_methods": ["totp"]}
        body = {"username": world.manager.username, "password": PASSWORD}
        assert api.post("/auth/check_2fa", body).json() == {"otp_required": False, "otp_methods": []}

    def test_a_wrong_password_is_401(self, api, world):
        assert_error(api.post("/auth/check_2fa", {"username": world.user.username, "password": "nope"}), 401)

    @pytest.mark.parametrize("missing", ["username", "password"])
    def test_422_names_the_missing_field(self, api, world, missing):
        body = {"username": world.user.username, "password": PASSWORD}
        body.pop(missing)
        assert_error(api.post("/auth/check_2fa", body), 422, missing)

    @pytest.mark.parametrize("field", ["username", "password"])
    def test_a_nul_character_is_422_not_a_server_error(self, api, world, field):
        """PostgreSQL refuses NUL in strings; found by the schema fuzz test on PostgreSQL."""
        body = {"username": world.user.username, "password": PASSWORD}
        body[field] += "\x00"
        assert_error(api.post("/auth/check_2fa", body), 422, field)


class TestSmsSignIn:
    def test_the_code_is_sent_and_signs_in(self, api, world, sms_user, sms_files):
        before = len(sms_files.messages())
        body = sign_in(api, world.user).json()
        assert body["otp_methods"] == ["sms"]
        assert len(sms_files.messages()) == before + 1  # sent at once: SMS is the default method
        assert sms_files.messages()[-1]["to"] == "+306912345678"
        response = api.post("/auth/sign_in", {"otp_session_state": body["otp_session_state"],
                                              "otp_attempt": sms_files.last_code()})
        assert response.status_code == 200 and response.json()["token"]

    def test_send_sms_otp_sends_another_code(self, api, world, sms_user, sms_files, clock):
        state = otp_state(api, world.user)
        first = sms_files.last_code()
        clock.shift(31)
        response = api.post("/auth/send_sms_otp", {"otp_session_state": state})
        assert response.status_code == 200 and response.json() == {"status": "queued"}
        second = sms_files.last_code()
        if first != second:  # the earlier code stopped working
            assert_error(api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": first}), 401)
        assert api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": second}).status_code == 200

    def test_send_sms_otp_is_rate_limited(self, api, world, sms_user, sms_files):
        state = otp_state(api, world.user)
        assert_error(api.post("/auth/send_sms_otp", {"otp_session_state": state}), 429)

    def test_send_sms_otp_for_a_totp_user_is_422(self, api, world, totp_user):
        state = otp_state(api, world.user)
        assert_error(api.post("/auth/send_sms_otp", {"otp_session_state": state}), 422, "otp_session_state")

    def test_send_sms_otp_needs_a_live_state(self, api):
        assert_error(api.post("/auth/send_sms_otp", {}), 422, "otp_session_state")
        assert_error(api.post("/auth/send_sms_otp", {"otp_session_state": "made-up"}), 401)


class TestApiKeyGate:
    @pytest.mark.parametrize("path", ["/auth/check_2fa", "/auth/send_sms_otp", "/auth/sign_in_with_recovery_code"])
    def test_401_without_the_api_key(self, world, path):
        from tests.conftest import ApiClient

        assert_error(ApiClient(None).post(path, {"username": "x", "password": "y"}), 401)


def test_a_2fa_reset_between_the_two_calls_lets_the_user_in(api, world, totp_user):
    """Staff reset the user's 2FA (lost phone) after the password step: the state still works."""
    from accounts.services import mfa

    state = otp_state(api, world.user)
    mfa.reset(User.objects.get(pk=world.user.pk), actor=world.admin)
    assert api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": ""}).status_code == 200

"""User 2FA routes (/v2/user/mfa/...): TOTP and SMS setup, verification, recovery codes and
disabling, through the API as a user would, with the file SMS backend."""

import re

import pyotp
import pytest

from accounts.models import RecoveryCode, TotpDevice, User
from tests.api_mixins import assert_error

from .support import enable_totp, sign_in

pytestmark = pytest.mark.django_db

ROUTES = ("enable", "verify_installation", "disable", "recovery_codes")


@pytest.fixture
def me(api, world):
    return api.as_user(world.user)


class TestTotpSetup:
    def test_enable_returns_the_secret_uri_and_qr_code(self, me, world, clock):
        response = me.put("/v2/user/mfa/enable", params={"method": "totp"})
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "pending"
        assert re.fullmatch(r"[A-Z2-7]{32}", body["secret"])
        assert body["provisioning_uri"].startswith("otpauth://totp/")
        assert f"secret={body['secret']}" in body["provisioning_uri"]
        assert "issuer=CG%20Scanning" in body["provisioning_uri"]
        assert body["qr_svg"].startswith("<svg") and body["qr_svg"].rstrip().endswith("</svg>")
        # Pending until verified: sign-in is unchanged.
        assert not User.objects.get(pk=world.user.pk).otp_totp_enabled

    def test_the_secret_is_encrypted_at_rest(self, me, world, clock):
        secret = me.put("/v2/user/mfa/enable", {"method": "totp"}).json()["secret"]
        stored = TotpDevice.objects.get(user=world.user).encrypted_secret
        assert secret not in stored and len(stored) > 60

    def test_verify_installation_turns_it_on_with_ten_recovery_codes(self, me, world, clock):
        secret = me.put("/v2/user/mfa/enable", {"method": "totp"}).json()["secret"]
        response = me.put("/v2/user/mfa/verify_installation",
                          {"method": "totp", "otp_attempt": pyotp.TOTP(secret).now()})
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "verified"
        codes = body["recovery_codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        stored = set(RecoveryCode.objects.filter(user=world.user).values_list("code_hash", flat=True))
        assert len(stored) == 10 and not stored & set(codes)  # hashed, never the codes
        attrs = me.get("/v2/user/me").json()["data"]["attributes"]["two_factor_authentication"]
        assert attrs == {"enabled": True, "otp_sms_enabled": False, "otp_totp_enabled": True,
                         "otp_phone": None, "otp_default_method": "totp"}

    def test_a_wrong_code_is_refused(self, me, world, clock):
        me.put("/v2/user/mfa/enable", {"method": "totp"})
        response = me.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": "000000"})
        assert_error(response, 422, "otp_attempt")
        assert not User.objects.get(pk=world.user.pk).otp_totp_enabled

    def test_an_integer_code_is_accepted(self, me, world, clock):
        secret = me.put("/v2/user/mfa/enable", {"method": "totp"}).json()["secret"]
        code = pyotp.TOTP(secret).now()
        response = me.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": int(code)})
        assert response.status_code == 200, response.json()

    def test_an_integer_code_with_a_leading_zero_is_accepted(self, me, world, clock):
        secret = me.put("/v2/user/mfa/enable", {"method": "totp"}).json()["secret"]
        for _ in range(200):  # move the clock until the current code starts with 0
            if pyotp.TOTP(secret).now().startswith("0"):
                break
            clock.shift(30)
        code = pyotp.TOTP(secret).now()
        assert code.startswith("0")
        response = me.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": int(code)})
        assert response.status_code == 200, response.json()

    def test_verify_without_enable_is_a_conflict(self, me, clock):
        assert_error(me.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": "123456"}), 409)

    def test_enable_when_already_on_is_a_conflict(self, me, clock):
        enable_totp(me, clock)
        assert_error(me.put("/v2/user/mfa/enable", {"method": "totp"}), 409)

    def test_repeated_wrong_codes_are_throttled(self, me, clock):
        me.put("/v2/user/mfa/enable", {"method": "totp"})
        for _ in range(5):
            assert_error(me.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": "000000"}), 422)
        assert_error(me.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": "000000"}), 429)

    def test_a_viewer_can_turn_on_its_own_2fa(self, api, world, clock):
        response = api.as_user(world.viewer).put("/v2/user/mfa/enable", {"method": "totp"})
        assert response.status_code == 200


class TestRecoveryCodesAndDisable:
    def test_regenerating_replaces_the_codes(self, me, world, clock):
        secret, old_codes = enable_totp(me, clock)
        response = me.put("/v2/user/mfa/recovery_codes", {"otp_attempt": pyotp.TOTP(secret).now()})
        assert response.status_code == 200
        new_codes = response.json()["recovery_codes"]
        assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
        old = sign_in(me, world.user)
        assert me.post("/auth/sign_in_with_recovery_code", {
            "username": world.user.username, "password": "correct-horse-battery", "recovery_code": old_codes[0],
        }).status_code == 401
        assert old.json()["otp_required"] is True

    def test_regenerating_needs_a_valid_code(self, me, clock):
        enable_totp(me, clock)
        assert_error(me.put("/v2/user/mfa/recovery_codes", {}), 422, "otp_attempt")
        assert_error(me.put("/v2/user/mfa/recovery_codes", {"otp_attempt": "000000"}), 422, "otp_attempt")

    def test_regenerating_without_2fa_is_a_conflict(self, me, clock):
        assert_error(me.put("/v2/user/mfa/recovery_codes", {"otp_attempt": "123456"}), 409)

    def test_disable_needs_a_valid_code(self, me, world, clock):
        secret, _codes = enable_totp(me, clock)
        assert_error(me.put("/v2/user/mfa/disable", {"method": "totp", "otp_attempt": "000000"}), 422, "otp_attempt")
        assert_error(me.put("/v2/user/mfa/disable", {"method": "totp"}), 422, "otp_attempt")
        response = me.put("/v2/user/mfa/disable", params={"method": "totp", "otp_attempt": pyotp.TOTP(secret).now()})
        assert response.status_code == 200
        assert response.json() == {"status": "disabled", "method": "totp"}
        user = User.objects.get(pk=world.user.pk)
        assert not user.two_factor_enabled and not TotpDevice.objects.filter(user=user).exists()
        assert not RecoveryCode.objects.filter(user=user).exists()
        assert "token" in sign_in(me, world.user).json()

    def test_disable_accepts_a_recovery_code(self, me, world, clock):
        _secret, codes = enable_totp(me, clock)
        response = me.put("/v2/user/mfa/disable", {"method": "totp", "otp_attempt": codes[3]})
        assert response.status_code == 200

    def test_disable_a_method_that_is_off_is_a_conflict(self, me, clock):
        assert_error(me.put("/v2/user/mfa/disable", {"method": "sms", "otp_attempt": "123456"}), 409)


class TestSmsSetup:
    def test_enable_validates_the_phone_and_sends_a_code(self, me, world, sms_files, clock):
        response = me.put("/v2/user/mfa/enable", {"method": "sms", "phone_number": "691 234 5678", "country_code": "+30"})
        assert response.status_code == 200
        assert response.json() == {"status": "queued"}
        [message] = sms_files.messages()
        assert message["to"] == "+306912345678"
        code = sms_files.last_code()
        response = me.put("/v2/user/mfa/verify_installation", {"method": "sms", "otp_attempt": code})
        assert response.status_code == 200 and len(response.json()["recovery_codes"]) == 10
        user = User.objects.get(pk=world.user.pk)
        assert (user.otp_sms_enabled, user.otp_phone, user.otp_default_method) == (True, "+306912345678", "sms")
        attrs = me.get("/v2/user/me").json()["data"]["attributes"]["two_factor_authentication"]
        assert attrs["otp_phone"] == "***678"  # masked

    @pytest.mark.parametrize("body, field", [
        ({"country_code": "30"}, "phone_number"),
        ({"phone_number": "not a phone", "country_code": "30"}, "phone_number"),
        ({"phone_number": "6912345678"}, "country_code"),
        ({"phone_number": "6912345678", "country_code": "GRC1"}, "country_code"),
        ({"phone_number": "12", "country_code": "30"}, "phone_number"),
    ])
    def test_bad_phone_numbers_are_422(self, me, sms_files, clock, body, field):
        assert_error(me.put("/v2/user/mfa/enable", {"method": "sms", **body}), 422, field)
        assert sms_files.messages() == []

    def test_an_international_number_needs_no_country_code(self, me, sms_files, clock):
        assert me.put("/v2/user/mfa/enable", {"method": "sms", "phone_number": "+1 (415) 555-0100"}).status_code == 200
        assert sms_files.messages()[0]["to"] == "+14155550100"

    def test_a_wrong_sms_code_is_refused(self, me, sms_files, clock):
        me.put("/v2/user/mfa/enable", {"method": "sms", "phone_number": "6912345678", "country_code": "30"})
        assert_error(me.put("/v2/user/mfa/verify_installation", {"method": "sms", "otp_attempt": "000000"}), 422,
                     "otp_attempt")

    def test_the_sms_code_expires(self, me, sms_files, clock):
        me.put("/v2/user/mfa/enable", {"method": "sms", "phone_number": "6912345678", "country_code": "30"})
        code = sms_files.last_code()
        clock.shift(5 * 60 + 1)
        assert_error(me.put("/v2/user/mfa/verify_installation", {"method": "sms", "otp_attempt": code}), 409)

    def test_sms_resends_are_rate_limited(self, me, sms_files, clock):
        body = {"method": "sms", "phone_number": "6912345678", "country_code": "30"}
        me.put("/v2/user/mfa/enable", body)
        response = me.put("/v2/user/mfa/enable", body)
        assert_error(response, 429)
        assert int(response["Retry-After"]) == 30
        clock.shift(31)
        assert me.put("/v2/user/mfa/enable", body).status_code == 200

    def test_disable_sms_sends_a_code_then_takes_it(self, me, world, sms_files, clock):
        me.put("/v2/user/mfa/enable", {"method": "sms", "phone_number": "6912345678", "country_code": "30"})
        me.put("/v2/user/mfa/verify_installation", {"method": "sms", "otp_attempt": sms_files.last_code()})
        clock.shift(31)
        assert me.put("/v2/user/mfa/disable", {"method": "sms"}).json() == {"status": "queued"}
        response = me.put("/v2/user/mfa/disable", {"method": "sms", "otp_attempt": sms_files.last_code()})
        assert response.json() == {"status": "disabled", "method": "sms"}
        assert not User.objects.get(pk=world.user.pk).otp_sms_enabled


class TestEveryRoute:
    @pytest.mark.parametrize("route", ROUTES)
    def test_401_without_credentials(self, api, route):
        assert_error(api.put(f"/v2/user/mfa/{route}", {"method": "totp"}), 401)

    @pytest.mark.parametrize("route", ["enable", "verify_installation", "disable"])
    def test_422_names_the_method(self, me, route, clock):
        assert_error(me.put(f"/v2/user/mfa/{route}", {}), 422, "method")
        assert_error(me.put(f"/v2/user/mfa/{route}", {"method": "email"}), 422, "method")

    def test_the_method_is_case_insensitive(self, me, clock):
        assert me.put("/v2/user/mfa/enable", {"method": "TOTP"}).status_code == 200

    @pytest.mark.parametrize("route", ROUTES)
    def test_other_methods_are_405(self, me, route):
        assert_error(me.get(f"/v2/user/mfa/{route}"), 405)

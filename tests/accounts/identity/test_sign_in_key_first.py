"""The API key is checked before the password, the second factor and the recovery code on every
sign-in path (conventions.md, Authentication): another organization's key, or a key issued to
another user, gets the same 401 whether the secret it came with was right or wrong."""

import pyotp
import pytest

from accounts.services.api_keys import create_api_key
from tests.conftest import PASSWORD, ApiClient

from .support import enable_totp

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-123"


@pytest.fixture
def foreign(world):
    """A client carrying the key of an organization the customer's users do not belong to."""
    _key, secret = create_api_key(name="Other org key", organization=world.other_org)
    return ApiClient(secret)


def answer(response):
    return response.status_code, response.json()


def test_password_sign_in_and_check_2fa(api, world, foreign):
    for path in ("/auth/sign_in", "/auth/check_2fa"):
        right = foreign.post(path, {"username": "manager", "password": PASSWORD})
        wrong = foreign.post(path, {"username": "manager", "password": WRONG})
        unknown = foreign.post(path, {"username": "nobody-here", "password": WRONG})
        assert answer(right) == answer(wrong) == answer(unknown)
        assert right.status_code == 401
    assert api.post("/auth/sign_in", {"username": "manager", "password": PASSWORD}).status_code == 200


def test_a_key_issued_to_another_user_is_refused_at_sign_in(api, world):
    _key, admins = create_api_key(name="admin's", organization=world.staff, user=world.admin)
    client = ApiClient(admins)
    right = client.post("/auth/sign_in", {"username": "manager", "password": PASSWORD})
    wrong = client.post("/auth/sign_in", {"username": "manager", "password": WRONG})
    assert answer(right) == answer(wrong) and right.status_code == 401
    assert client.post("/auth/sign_in", {"username": "admin", "password": PASSWORD}).status_code == 200


def test_second_factor_and_recovery_codes(api, world, foreign, clock, settings):
    settings.SIGN_IN_MAX_FAILURES = 20  # every refused key counts as a failure
    secret, codes = enable_totp(api.as_user(world.user), clock)
    totp = pyotp.TOTP(secret)
    clock.shift(30)
    state = api.post("/auth/sign_in", {"username": world.user.username, "password": PASSWORD}).json()[
        "otp_session_state"]
    # The second call with the foreign key: the right code and a wrong one answer alike.
    right = foreign.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()})
    wrong = foreign.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": "000000"})
    assert answer(right) == answer(wrong) and right.status_code == 401
    # Password + code in one call, and the recovery-code routes.
    one_call = {"username": world.user.username, "password": PASSWORD, "otp_attempt": totp.now()}
    assert foreign.post("/auth/sign_in", one_call).status_code == 401
    recovery = {"username": world.user.username, "recovery_code": codes[0]}
    right = foreign.post("/auth/sign_in_with_recovery_code", {**recovery, "password": PASSWORD})
    wrong = foreign.post("/auth/sign_in_with_recovery_code", {**recovery, "password": WRONG})
    assert answer(right) == answer(wrong) and right.status_code == 401
    by_state = foreign.post("/auth/sign_in_with_recovery_code", {"otp_session_state": state, "recovery_code": codes[0]})
    assert by_state.status_code == 401
    # Nothing was spent: the code and the recovery code still work with the right key.
    assert api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()}).status_code == 200
    assert api.post("/auth/sign_in_with_recovery_code", {**recovery, "password": PASSWORD}).status_code == 200

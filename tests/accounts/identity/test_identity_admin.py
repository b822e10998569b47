"""The admin's identity tools: 2FA state (never a secret), the reset-2FA, resend-invitation,
confirmation and lock/unlock actions, each calling the API's services."""

import pytest
from django.core import mail
from django.test import Client

from accounts.models import TotpDevice, User
from config.crypto import decrypt
from tests.api_mixins import assert_error
from tests.factories import UserFactory

from .support import enable_totp, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world):
    client = Client()
    client.force_login(world.admin)
    return client


def run_action(staff, action, *users):
    return staff.post("/admin/accounts/user/", {"action": action, "_selected_action": [str(u.pk) for u in users]},
                      follow=True)


def test_the_2fa_state_is_shown_without_secrets(api, world, staff, clock):
    _secret, codes = enable_totp(api.as_user(world.user), clock)
    secret = decrypt(TotpDevice.objects.get(user=world.user).encrypted_secret)
    page = staff.get(f"/admin/accounts/user/{world.user.pk}/change/").content.decode()
    assert "On: totp" in page and "10 unused recovery codes" in page
    listing = staff.get("/admin/accounts/user/").content.decode()
    for text in (page, listing):
        assert secret not in text
        assert TotpDevice.objects.get(user=world.user).encrypted_secret not in text
        assert not any(code in text for code in codes)


def test_reset_2fa_lets_the_user_sign_in_with_the_password_alone(api, world, staff, clock):
    enable_totp(api.as_user(world.user), clock)
    assert sign_in(api, world.user).json()["otp_required"] is True
    response = run_action(staff, "reset_two_factor", world.user)
    assert "Two-factor authentication reset: 1 user(s)." in response.content.decode()
    user = User.objects.get(pk=world.user.pk)
    assert not user.two_factor_enabled and not TotpDevice.objects.filter(user=user).exists()
    assert sign_in(api, world.user).json()["token"]


def test_resend_invitation(world, staff):
    invited = UserFactory(organization=world.customer, confirmed=False)
    invited.set_unusable_password()
    invited.save()
    response = run_action(staff, "resend_invitation", invited, world.user)
    text = response.content.decode()
    assert "Invitation sent: 1 user(s)." in text
    assert "already accepted" in text  # world.user has a password: reported, not sent
    assert [m.to for m in mail.outbox] == [[invited.email]]


def test_send_confirmation(world, staff):
    run_action(staff, "send_confirmation", world.user)
    assert mail.outbox[-1].to == [world.user.email] and "confirmation_token=" in mail.outbox[-1].body


def test_lock_and_unlock(api, world, staff):
    session = api.as_user(world.user)
    run_action(staff, "lock_accounts", world.user)
    assert_error(session.get("/v2/user/me"), 401)  # signed out everywhere
    assert_error(sign_in(api, world.user), 429)
    assert User.objects.get(pk=world.user.pk).locked_until is not None
    run_action(staff, "unlock_accounts", world.user)
    assert sign_in(api, world.user).json()["token"]


def test_unlock_lifts_a_lockout_from_failed_sign_ins(api, world, staff):
    for _ in range(5):
        sign_in(api, world.user, password="wrong")
    assert_error(sign_in(api, world.user), 429)
    run_action(staff, "unlock_accounts", world.user)
    assert sign_in(api, world.user).status_code == 200

"""Staff reset a user's two-factor authentication in the admin with a real browser; the user
then signs in through the API with the password alone."""

import pyotp
import pytest
import requests

from accounts.services import mfa
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_reset_2fa_from_the_user_list(page, live_server, world):
    pending = mfa.begin_totp(world.user)
    mfa.verify_installation(world.user, "totp", pyotp.TOTP(pending["secret"]).now())
    headers = {"X-API-KEY": world.api_key}
    body = {"username": world.user.username, "password": PASSWORD}
    first = requests.post(f"{live_server.url}/auth/sign_in", json=body, headers=headers, timeout=10).json()
    assert first["otp_required"] is True

    page.goto("/admin/")
    page.fill("#id_username", world.admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    page.goto(f"/admin/accounts/user/{world.user.pk}/change/")
    assert "On: totp" in page.inner_text("#content-main")
    assert pending["secret"] not in page.content()

    page.goto("/admin/accounts/user/")
    page.check(f"input[name=_selected_action][value='{world.user.pk}']")
    page.select_option("select[name=action]", "reset_two_factor")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist li.success")
    assert "Two-factor authentication reset: 1 user(s)." in page.inner_text("ul.messagelist")

    after = requests.post(f"{live_server.url}/auth/sign_in", json=body, headers=headers, timeout=10).json()
    assert after["token"] and "otp_required" not in after

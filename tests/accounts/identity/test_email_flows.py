"""E-mail flows through Django's locmem outbox: invitation, confirmation, password reset and
SSO link. Tokens are single use, expire and are stored hashed."""

import pytest
from django.core import mail

from accounts.models import OneTimeToken, User
from accounts.services import confirmation
from tests.api_mixins import assert_error
from tests.conftest import ApiClient
from tests.factories import UserFactory

from .support import enable_totp, last_mail, sign_in, token_from_mail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def invite(api, world, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(world.manager).post(
            "/v2/users", {"user": {"username": "newbie", "email": "newbie@example.com", **fields}})
    assert response.status_code == 201
    return User.objects.get(username="newbie"), token_from_mail(last_mail(), "invitation_token")


class TestInvitation:
    def test_invitation_accept_sign_in(self, api, world, django_capture_on_commit_callbacks):
        user, token = invite(api, world, django_capture_on_commit_callbacks)
        message = last_mail()
        assert message.to == ["newbie@example.com"] and "Customer Org" in message.subject
        assert message.alternatives and message.alternatives[0][1] == "text/html"
        assert token in message.alternatives[0][0]
        # Pre-accept check.
        check = api.get("/auth/invitation", params={"invitation_token": token}).json()
        assert check["valid"] is True
        assert (check["email"], check["username"], check["organization_name"]) == (
            "newbie@example.com", "newbie", "Customer Org")
        # Accept with a password.
        response = api.put("/auth/invitation", {"invitation_token": token, "password": NEW_PASSWORD,
                                                "password_confirmation": NEW_PASSWORD, "first_name": "New"})
        assert response.status_code == 200 and response.json()["username"] == "newbie"
        user.refresh_from_db()
        assert user.confirmed and user.first_name == "New"
        assert sign_in(api, user, NEW_PASSWORD).json()["token"]
        # Used once: the same token no longer works.
        assert api.get("/auth/invitation", params={"invitation_token": token}).json() == {"valid": False}
        assert_error(api.put("/auth/invitation", {"invitation_token": token, "password": NEW_PASSWORD,
                                                  "password_confirmation": NEW_PASSWORD}), 422, "invitation_token")

    @pytest.mark.parametrize("body, field", [
        ({"password": "short", "password_confirmation": "short"}, "password"),
        ({"password": "12345678901234", "password_confirmation": "12345678901234"}, "password"),
        ({"password": "password123456", "password_confirmation": "password123456"}, "password"),
        ({"password": "newbie1234", "password_confirmation": "newbie1234"}, "password"),
        ({"password": NEW_PASSWORD, "password_confirmation": "something-else-9"}, "password_confirmation"),
        ({"password": NEW_PASSWORD}, "password_confirmation"),
        ({"password_confirmation": NEW_PASSWORD}, "password"),
    ])
    def test_the_password_policy_applies(self, api, world, django_capture_on_commit_callbacks, body, field):
        _user, token = invite(api, world, django_capture_on_commit_callbacks)
        assert_error(api.put("/auth/invitation", {"invitation_token": token, **body}), 422, field)
        assert api.get("/auth/invitation", params={"invitation_token": token}).json()["valid"] is True

    def test_the_invitation_expires(self, api, world, django_capture_on_commit_callbacks, clock):
        _user, token = invite(api, world, django_capture_on_commit_callbacks)
        clock.shift(7 * 24 * 3600 + 1)
        assert api.get("/auth/invitation", params={"invitation_token": token}).json() == {"valid": False}
        assert_error(api.put("/auth/invitation", {"invitation_token": token, "password": NEW_PASSWORD,
                                                  "password_confirmation": NEW_PASSWORD}), 422, "invitation_token")

    def test_resending_replaces_the_link(self, api, world, django_capture_on_commit_callbacks):
        user, old = invite(api, world, django_capture_on_commit_callbacks)
        response = api.as_user(world.manager).post(f"/v2/users/{user.pk}/invite")
        assert response.status_code == 200
        assert response.json()["data"]["id"] == str(user.pk)
        new = token_from_mail(last_mail(), "invitation_token")
        assert new != old and len(mail.outbox) == 2
        assert api.get("/auth/invitation", params={"invitation_token": old}).json() == {"valid": False}
        assert api.get("/auth/invitation", params={"invitation_token": new}).json()["valid"] is True

    def test_invite_reach(self, api, world):
        invited = UserFactory(organization=world.customer, confirmed=False)
        invited.set_unusable_password()
        invited.save()
        assert_error(api.as_user(world.other_manager).post(f"/v2/users/{invited.pk}/invite"), 404)
        assert_error(api.as_user(world.user).post(f"/v2/users/{invited.pk}/invite"), 403)
        assert_error(api.post(f"/v2/users/{invited.pk}/invite"), 401)
        assert api.as_user(world.partner).post(f"/v2/users/{invited.pk}/invite").status_code == 200

    def test_inviting_someone_who_accepted_is_a_conflict(self, api, world):
        assert_error(api.as_user(world.manager).post(f"/v2/users/{world.user.pk}/invite"), 409)

    def test_inviting_a_user_without_address_is_422(self, api, world):
        invited = UserFactory(organization=world.customer, email="")
        invited.set_unusable_password()
        invited.save()
        assert_error(api.as_user(world.manager).post(f"/v2/users/{invited.pk}/invite"), 422, "email")

    def test_422_names_the_token(self, api):
        assert_error(api.get("/auth/invitation"), 422, "invitation_token")
        assert_error(api.put("/auth/invitation", {"password": NEW_PASSWORD}), 422, "invitation_token")
        assert api.get("/auth/invitation", params={"invitation_token": "made-up"}).json() == {"valid": False}


class TestPasswordReset:
    def test_forgot_reset_old_password_refused(self, api, world):
        old_session = api.as_user(world.user)
        response = api.post("/auth/password", {"email": world.user.email.upper()})
        assert response.status_code == 200
        message = last_mail()
        assert message.to == [world.user.email]
        token = token_from_mail(message, "reset_password_token")
        response = api.put("/auth/password", {"reset_password_token": token, "password": NEW_PASSWORD,
                                              "password_confirmation": NEW_PASSWORD})
        assert response.status_code == 200
        assert_error(sign_in(api, world.user), 401)  # the old password
        assert sign_in(api, world.user, NEW_PASSWORD).json()["token"]
        assert_error(old_session.get("/v2/user/me"), 401)  # every session signed out
        # Single use.
        assert_error(api.put("/auth/password", {"reset_password_token": token, "password": "another-passphrase-7",
                                                "password_confirmation": "another-passphrase-7"}), 422,
                     "reset_password_token")

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self, api, world):
        known = api.post("/auth/password", {"email": world.user.email})
        unknown = api.post("/auth/password", {"email": "nobody@example.com"})
        assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
        assert len(mail.outbox) == 1

    def test_the_reset_link_expires(self, api, world, clock):
        api.post("/auth/password", {"email": world.user.email})
        token = token_from_mail(last_mail(), "reset_password_token")
        clock.shift(3600 + 1)
        assert_error(api.put("/auth/password", {"reset_password_token": token, "password": NEW_PASSWORD,
                                                "password_confirmation": NEW_PASSWORD}), 422, "reset_password_token")

    def test_asking_again_at_once_sends_no_second_mail(self, api, world, clock):
        api.post("/auth/password", {"email": world.user.email})
        api.post("/auth/password", {"email": world.user.email})
        assert len(mail.outbox) == 1
        clock.shift(61)
        api.post("/auth/password", {"email": world.user.email})
        assert len(mail.outbox) == 2

    def test_a_weak_password_is_422(self, api, world):
        api.post("/auth/password", {"email": world.user.email})
        token = token_from_mail(last_mail(), "reset_password_token")
        assert_error(api.put("/auth/password", {"reset_password_token": token, "password": "123",
                                                "password_confirmation": "123"}), 422, "password")

    def test_422_names_the_field(self, api):
        assert_error(api.post("/auth/password", {}), 422, "email")
        assert_error(api.post("/auth/password", {"email": "not-an-address"}), 422, "email")
        assert_error(api.put("/auth/password", {"password": NEW_PASSWORD}), 422, "reset_password_token")

    def test_401_without_the_api_key(self, world):
        assert_error(ApiClient(None).post("/auth/password", {"email": "x@example.com"}), 401)


class TestSsoLink:
    def test_the_link_signs_in_once(self, api, world):
        assert api.post("/auth/sso_link", {"email": world.user.email}).status_code == 200
        token = token_from_mail(last_mail(), "token")
        response = api.get("/auth/sso_link", params={"token": token})
        assert response.status_code == 200
        body = response.json()
        assert body["username"] == world.user.username and body["token"]
        assert_error(api.get("/auth/sso_link", params={"token": token}), 401)

    def test_the_link_expires(self, api, world, clock):
        api.post("/auth/sso_link", {"email": world.user.email})
        token = token_from_mail(last_mail(), "token")
        clock.shift(15 * 60 + 1)
        assert_error(api.get("/auth/sso_link", params={"token": token}), 401)

    def test_an_unknown_address_gets_the_same_answer(self, api, world):
        known = api.post("/auth/sso_link", {"email": world.user.email}).json()
        assert api.post("/auth/sso_link", {"email": "nobody@example.com"}).json() == known
        assert len(mail.outbox) == 1

    def test_2fa_is_still_asked(self, api, world, clock):
        enable_totp(api.as_user(world.user), clock)
        api.post("/auth/sso_link", {"email": world.user.email})
        body = api.get("/auth/sso_link", params={"token": token_from_mail(last_mail(), "token")}).json()
        assert body["otp_required"] is True and "token" not in body

    def test_a_locked_account_stays_locked(self, api, world):
        from accounts.services import lockout

        api.post("/auth/sso_link", {"email": world.user.email})
        lockout.lock(world.user, actor=world.admin)
        assert_error(api.get("/auth/sso_link", params={"token": token_from_mail(last_mail(), "token")}), 429)

    def test_another_organizations_key_is_refused_and_the_link_kept(self, api, world):
        from accounts.services.api_keys import create_api_key

        api.post("/auth/sso_link", {"email": world.user.email})
        token = token_from_mail(last_mail(), "token")
        _key, other_secret = create_api_key(name="Other org key", organization=world.other_org)
        assert_error(ApiClient(other_secret).get("/auth/sso_link", params={"token": token}), 401)
        assert api.get("/auth/sso_link", params={"token": token}).status_code == 200

    def test_422_names_the_field(self, api):
        assert_error(api.get("/auth/sso_link"), 422, "token")
        assert_error(api.post("/auth/sso_link", {}), 422, "email")


class TestConfirmation:
    def test_show_then_confirm(self, api, world):
        user = UserFactory(organization=world.customer, confirmed=False)
        assert confirmation.send_confirmation(user)
        token = token_from_mail(last_mail(), "confirmation_token")
        shown = api.get("/auth/confirmation", params={"confirmation_token": token}).json()
        assert shown["valid"] is True and shown["email"] == user.email and shown["password_required"] is False
        response = api.post("/auth/confirmation", {"confirmation_token": token})
        assert response.status_code == 200 and response.json()["confirmed"] is True
        user.refresh_from_db()
        assert user.confirmed
        assert sign_in(api, user).json()["verified"] is True
        assert_error(api.post("/auth/confirmation", {"confirmation_token": token}), 422, "confirmation_token")
        assert api.get("/auth/confirmation", params={"confirmation_token": token}).json() == {"valid": False}

    def test_a_user_without_password_sets_one(self, api, world):
        user = UserFactory(organization=world.customer, confirmed=False)
        user.set_unusable_password()
        user.save()
        confirmation.send_confirmation(user)
        token = token_from_mail(last_mail(), "confirmation_token")
        assert api.get("/auth/confirmation", params={"confirmation_token": token}).json()["password_required"] is True
        assert_error(api.post("/auth/confirmation", {"confirmation_token": token}), 422, "password")
        response = api.post("/auth/confirmation", {"confirmation_token": token, "password": NEW_PASSWORD})
        assert response.status_code == 200
        assert sign_in(api, user, NEW_PASSWORD).json()["token"]

    def test_a_link_for_an_address_since_changed_is_void(self, api, world):
        user = UserFactory(organization=world.customer, confirmed=False)
        confirmation.send_confirmation(user)
        token = token_from_mail(last_mail(), "confirmation_token")
        User.objects.filter(pk=user.pk).update(email="changed@example.com")
        assert api.get("/auth/confirmation", params={"confirmation_token": token}).json() == {"valid": False}

    def test_the_link_expires(self, api, world, clock):
        user = UserFactory(organization=world.customer, confirmed=False)
        confirmation.send_confirmation(user)
        token = token_from_mail(last_mail(), "confirmation_token")
        clock.shift(3 * 24 * 3600 + 1)
        assert_error(api.post("/auth/confirmation", {"confirmation_token": token}), 422, "confirmation_token")

    def test_422_names_the_token(self, api):
        assert_error(api.get("/auth/confirmation"), 422, "confirmation_token")
        assert_error(api.post("/auth/confirmation", {}), 422, "confirmation_token")


def test_tokens_are_stored_hashed(api, world):
    api.post("/auth/password", {"email": world.user.email})
    token = token_from_mail(last_mail(), "reset_password_token")
    stored = OneTimeToken.objects.get(user=world.user)
    assert token not in stored.token_hash and len(stored.token_hash) == 64


@pytest.mark.parametrize("method, path", [
    ("get", "/auth/confirmation"), ("post", "/auth/confirmation"), ("get", "/auth/invitation"),
    ("put", "/auth/invitation"), ("post", "/auth/password"), ("put", "/auth/password"),
    ("post", "/auth/sso_link"), ("get", "/auth/sso_link"),
])
def test_every_route_is_401_without_the_api_key(world, method, path):
    assert_error(getattr(ApiClient(None), method)(path), 401)


class TestAddressChange:
    def test_a_new_address_is_confirmed_by_the_link_sent_to_it(self, api, world, django_capture_on_commit_callbacks):
        me = api.as_user(world.user)
        with django_capture_on_commit_callbacks(execute=True):
            assert me.put("/v2/user/me", {"user": {"email": "moved@example.com"}}).status_code == 200
        assert User.objects.get(pk=world.user.pk).confirmed is False
        message = last_mail()
        assert message.to == ["moved@example.com"]
        token = token_from_mail(message, "confirmation_token")
        assert api.post("/auth/confirmation", {"confirmation_token": token}).status_code == 200
        assert User.objects.get(pk=world.user.pk).confirmed is True

    def test_an_invited_users_new_address_gets_the_invitation(self, api, world, django_capture_on_commit_callbacks):
        invited, old = invite(api, world, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            api.as_user(world.manager).put(f"/v2/users/{invited.pk}", {"user": {"email": "right@example.com"}})
        assert last_mail().to == ["right@example.com"]
        assert token_from_mail(last_mail(), "invitation_token") != old

    def test_the_same_address_in_another_case_changes_nothing(self, api, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            api.as_user(world.user).put("/v2/user/me", {"user": {"email": world.user.email.upper()}})
        assert mail.outbox == [] and User.objects.get(pk=world.user.pk).confirmed is True


def test_account_emails_carry_the_partners_branding(api, world):
    from events.models import Whitelabel

    Whitelabel.objects.create(organization=world.partner_org, company_name="Acme Secure",
                              email_sender_name="Acme", email_sender_address="noreply@acme.example")
    api.post("/auth/password", {"email": world.user.email})  # a user of the partner's customer
    message = last_mail()
    assert message.subject == "Reset your Acme Secure password"
    assert message.from_email == "Acme <noreply@acme.example>"
    assert "Acme Secure" in message.body and "Acme Secure" in message.alternatives[0][0]

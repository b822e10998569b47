"""Impersonation: POST /v2/users/{id}/impersonate and DELETE /v2/users/impersonate. Reach (Admin
any user, Partner its customers' users only, nobody else), the impersonation token's limits."""

import pytest

from accounts.models import SessionToken
from tests.api_mixins import assert_error
from tests.conftest import ApiClient
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(api, token):
    client = ApiClient(None)
    client.headers = {**api.headers, "HTTP_AUTHORIZATION": f"Bearer {token}"}
    return client


def impersonate(api, actor, target):
    return api.as_user(actor).post(f"/v2/users/{target.pk}/impersonate")


class TestReach:
    def test_an_admin_impersonates_anyone(self, api, world):
        for target in (world.manager, world.other_user, world.partner):
            response = impersonate(api, world.admin, target)
            assert response.status_code == 200
            body = response.json()
            assert body["username"] == target.username and body["token"]
            assert body["impersonator"] == {"id": str(world.admin.pk), "username": "admin"}
            me = bearer(api, body["token"]).get("/v2/user/me").json()["data"]
            assert me["id"] == str(target.pk)

    def test_a_partner_impersonates_its_customers_users(self, api, world):
        assert impersonate(api, world.partner, world.manager).status_code == 200
        deeper = OrganizationFactory(parent=world.customer)
        assert impersonate(api, world.partner, UserFactory(organization=deeper)).status_code == 200

    def test_a_partner_cannot_impersonate_outside_its_customers(self, api, world):
        assert_error(impersonate(api, world.partner, world.other_user), 404)
        assert_error(impersonate(api, world.partner, world.admin), 404)
        colleague = UserFactory(organization=world.partner_org, role="User")
        assert_error(impersonate(api, world.partner, colleague), 403)

    @pytest.mark.parametrize("role", ["manager", "user", "viewer"])
    def test_other_roles_cannot_at_all(self, api, world, role):
        assert_error(impersonate(api, getattr(world, role), world.user if role != "user" else world.viewer), 403)

    def test_not_oneself(self, api, world):
        assert_error(impersonate(api, world.admin, world.admin), 422, "id")

    def test_not_a_deactivated_user(self, api, world):
        world.user.is_active = False
        world.user.save()
        assert_error(impersonate(api, world.admin, world.user), 409)

    def test_401_and_404(self, api, world):
        assert_error(api.post(f"/v2/users/{world.user.pk}/impersonate"), 401)
        assert_error(api.as_user(world.admin).post("/v2/users/00000000-0000-0000-0000-000000000000/impersonate"), 404)
        assert_error(api.as_user(world.admin).post("/v2/users/not-a-uuid/impersonate"), 404)


class TestTheImpersonationToken:
    @pytest.fixture
    def acting(self, api, world):
        return bearer(api, impersonate(api, world.admin, world.manager).json()["token"])

    def test_it_is_a_session_marked_with_the_impersonator(self, api, world, acting):
        session = SessionToken.objects.get(user=world.manager, impersonator=world.admin)
        assert session.revoked_at is None
        assert acting.get("/v2/users").status_code == 200  # acts with the user's rights

    def test_it_cannot_impersonate_further(self, acting, world):
        assert_error(acting.post(f"/v2/users/{world.user.pk}/impersonate"), 403)

    def test_it_cannot_change_the_password_2fa_or_credentials(self, acting):
        body = {"current_password": "correct-horse-battery", "password": "x-new-passphrase-77",
                "password_confirmation": "x-new-passphrase-77"}
        assert_error(acting.put("/v2/user/password", body), 403)
        assert_error(acting.put("/v2/user/mfa/enable", {"method": "totp"}), 403)
        assert_error(acting.put("/v2/user/mfa/disable", {"method": "totp", "otp_attempt": "123456"}), 403)
        assert_error(acting.put("/v2/user/generate_access_token"), 403)
        assert_error(acting.delete("/v2/user/me"), 403)

    def test_it_expires_sooner_than_a_session(self, acting, clock):
        clock.shift(3600 + 1)
        assert_error(acting.get("/v2/user/me"), 401)

    def test_stopping_returns_the_original_users_token(self, api, world, acting):
        response = acting.delete("/v2/users/impersonate")
        assert response.status_code == 200
        body = response.json()
        assert body["username"] == "admin" and body["token"]
        assert bearer(api, body["token"]).get("/v2/user/me").json()["data"]["id"] == str(world.admin.pk)
        assert_error(acting.get("/v2/user/me"), 401)  # the impersonation token is revoked
        assert world.manager.sign_in_count == 0

    def test_stopping_without_impersonating_is_a_conflict(self, api, world):
        assert_error(api.as_user(world.admin).delete("/v2/users/impersonate"), 409)

    def test_stopping_needs_credentials(self, api):
        assert_error(api.delete("/v2/users/impersonate"), 401)

    def test_a_viewer_being_impersonated_can_stop(self, api, world):
        acting = bearer(api, impersonate(api, world.admin, world.viewer).json()["token"])
        assert acting.delete("/v2/users/impersonate").status_code == 200

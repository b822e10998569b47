"""X-API-KEY (conventions.md, Authentication, 3) and `manage.py create_api_key`."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ApiKey
from accounts.services.api_keys import create_api_key
from accounts.services.tokens import issue_session_token
from tests.api_mixins import assert_error
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    return f"Bearer {issue_session_token(user)[0]}"


def call(api, key=None, user=None, path="/v2/user/me", **extra):
    headers = dict(extra)
    if key is not None:
        headers["HTTP_X_API_KEY"] = key
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = bearer(user)
    return api.client.get(path, **headers)


class TestRequired:
    def test_missing_key_is_401(self, api, world):
        body = assert_error(call(api, user=world.manager), 401)
        assert "API key" in body["message"]

    def test_missing_key_on_sign_in_is_401(self, api, world):
        response = api.client.post("/auth/sign_in", {"username": "manager", "password": PASSWORD},
                                   content_type="application/json")
        assert_error(response, 401)

    def test_optional_when_not_required(self, api, world, settings):
        settings.API_KEY_REQUIRED = False
        assert call(api, user=world.manager).status_code == 200
        response = api.client.post("/auth/sign_in", {"username": "manager", "password": PASSWORD},
                                   content_type="application/json")
        assert response.status_code == 200

    def test_still_checked_when_sent_and_not_required(self, api, world, settings):
        settings.API_KEY_REQUIRED = False
        assert_error(call(api, key="cgk_bogus", user=world.manager), 401)

    def test_without_key_or_authorization_when_not_required_is_401(self, api, world, settings):
        settings.API_KEY_REQUIRED = False
        assert_error(call(api), 401)

    @pytest.mark.parametrize("key", ["cgk_bogus", "x" * 300, "   "])
    def test_invalid_key_is_401(self, api, world, key):
        assert_error(call(api, key=key, user=world.manager), 401)


class TestKeyState:
    def test_expired_key_is_401(self, api, world):
        _key, secret = create_api_key(name="old", organization=world.staff,
                                      expires_at=timezone.now() + timedelta(days=1))
        assert call(api, key=secret, user=world.manager).status_code == 200
        with time_machine.travel(timezone.now() + timedelta(days=2)):
            body = assert_error(call(api, key=secret, user=world.manager), 401)
        assert "expired" in body["message"]

    def test_inactive_key_is_401(self, api, world):
        key, secret = create_api_key(name="off", organization=world.staff)
        key.active = False
        key.save()
        assert_error(call(api, key=secret, user=world.manager), 401)

    @pytest.mark.parametrize(("networks", "status"), [
        ("10.0.0.0/8", 401), ("127.0.0.0/8", 200), ("192.0.2.1, 127.0.0.1", 200), ("::1/128", 401),
    ])
    def test_allowed_networks(self, api, world, networks, status):
        _key, secret = create_api_key(name="net", organization=world.staff, allowed_networks=networks)
        assert call(api, key=secret, user=world.manager).status_code == status

    def test_allowed_networks_checks_the_client_address(self, api, world):
        _key, secret = create_api_key(name="net", organization=world.staff, allowed_networks="10.1.0.0/16")
        assert call(api, key=secret, user=world.manager, REMOTE_ADDR="10.1.2.3").status_code == 200
        assert_error(call(api, key=secret, user=world.manager, REMOTE_ADDR="10.2.0.1"), 401)

    def test_last_used_at_is_recorded(self, api, world):
        key, secret = create_api_key(name="track", organization=world.staff)
        assert key.last_used_at is None
        call(api, key=secret, user=world.manager)
        key.refresh_from_db()
        assert key.last_used_at is not None
        assert timezone.now() - key.last_used_at < timedelta(minutes=1)

    def test_secret_is_stored_hashed(self, world):
        key, secret = create_api_key(name="hashed", organization=world.staff)
        key.refresh_from_db()
        assert secret not in key.key_hash
        assert key.prefix == secret[:8]


class TestKeyAndAuthorization:
    def test_platform_key_covers_every_user(self, api, world):
        for user in (world.admin, world.partner, world.manager, world.other_user):
            assert call(api, key=world.api_key, user=user).status_code == 200

    def test_key_of_another_organization_is_401(self, api, world):
        _key, secret = create_api_key(name="theirs", organization=world.other_org)
        assert_error(call(api, key=secret, user=world.manager), 401)

    def test_key_of_the_users_organization(self, api, world):
        _key, secret = create_api_key(name="ours", organization=world.customer)
        assert call(api, key=secret, user=world.manager).status_code == 200

    def test_partner_key_covers_its_customers(self, api, world):
        _key, secret = create_api_key(name="partner", organization=world.partner_org)
        assert call(api, key=secret, user=world.manager).status_code == 200

    def test_customer_key_does_not_cover_the_partner(self, api, world):
        _key, secret = create_api_key(name="customer", organization=world.customer)
        assert_error(call(api, key=secret, user=world.partner), 401)

    def test_key_alone_signs_in_as_its_user(self, api, world):
        service = UserFactory(username="robot", organization=world.customer)
        _key, secret = create_api_key(name="robot", organization=world.customer, user=service)
        response = call(api, key=secret)
        assert response.json()["data"]["attributes"]["username"] == "robot"

    def test_key_alone_without_a_user_is_401(self, api, world):
        assert_error(call(api, key=world.api_key), 401)

    def test_key_of_an_inactive_user_alone_is_401(self, api, world):
        service = UserFactory(username="robot", organization=world.customer, is_active=False)
        _key, secret = create_api_key(name="robot", organization=world.customer, user=service)
        assert_error(call(api, key=secret), 401)

    def test_a_users_key_is_refused_beside_another_users_token(self, api, world):
        """A key issued to a user is that user's secret (conventions.md): even a key issued to a
        platform Admin covers nobody else, so dropping the token never turns into the Admin."""
        _key, admins = create_api_key(name="admin's", organization=world.staff, user=world.admin)
        assert call(api, key=admins, user=world.admin).status_code == 200
        for user in (world.manager, world.partner, world.other_user):
            assert_error(call(api, key=admins, user=user), 401)
        _key, robots = create_api_key(name="robot", organization=world.customer,
                                      user=UserFactory(username="robot", organization=world.customer))
        assert_error(call(api, key=robots, user=world.manager), 401)

    def test_an_organization_key_alone_is_401_on_every_route(self, api, world):
        _key, customer_key = create_api_key(name="ours", organization=world.customer)
        for key in (world.api_key, customer_key):
            for path in ("/v2/user/me", "/v2/users", "/v2/organizations", "/v2/targets"):
                assert_error(call(api, key=key, path=path), 401)

    def test_access_token_with_a_foreign_key_is_401(self, api, world):
        token = api.as_user(world.manager).put("/v2/user/generate_access_token").json()["token"]
        _key, secret = create_api_key(name="theirs", organization=world.other_org)
        response = api.client.get("/v2/user/me", HTTP_X_API_KEY=secret, HTTP_AUTHORIZATION=f"Basic {token}")
        assert_error(response, 401)


class TestCreateApiKeyCommand:
    def test_prints_the_key_alone_on_the_last_line(self, api, world):
        out, err = StringIO(), StringIO()
        call_command("create_api_key", "--user", "manager", "--name", "CI", stdout=out, stderr=err)
        secret = out.getvalue().strip().splitlines()[-1]
        assert " " not in secret and len(secret) > 20
        assert ApiKey.objects.get(name="CI").organization == world.customer
        response = api.client.get("/v2/user/me", HTTP_X_API_KEY=secret)
        assert response.json()["data"]["attributes"]["username"] == "manager"

    def test_user_key_works_only_next_to_its_own_users_token(self, api, world):
        out = StringIO()
        call_command("create_api_key", "--user", "manager", "--name", "CI", stdout=out, stderr=StringIO())
        secret = out.getvalue().strip().splitlines()[-1]
        assert call(api, key=secret, user=world.manager).status_code == 200
        assert_error(call(api, key=secret, user=world.user), 401)  # same organization, another user

    def test_organization_key(self, world):
        out = StringIO()
        call_command("create_api_key", "--organization", "Customer Org", "--name", "Org", stdout=out,
                     stderr=StringIO())
        assert ApiKey.objects.get(name="Org").user is None

    @pytest.mark.parametrize("args", [
        ["--user", "nobody", "--name", "X"],
        ["--name", "X"],
        ["--organization", "No Such Org", "--name", "X"],
        ["--user", "manager", "--name", "X", "--allowed-networks", "not-a-network"],
    ])
    def test_bad_input_fails_clearly(self, world, args):
        with pytest.raises(CommandError):
            call_command("create_api_key", *args, stdout=StringIO(), stderr=StringIO())
        assert not ApiKey.objects.filter(name="X").exists()

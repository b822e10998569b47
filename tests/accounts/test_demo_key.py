"""`manage.py seed_demo` prints an organization key of the staff organization, not a key issued
to `admin`: alone it authenticates nobody, so holding the README's key is not being the Admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiKey, User

pytestmark = pytest.mark.django_db


def test_the_demo_key_is_an_organization_key_that_never_authenticates_alone():
    out = StringIO()
    call_command("seed_demo", "--password", "demo-password-123", stdout=out)
    secret = next(line for line in out.getvalue().splitlines() if "X-API-KEY" in line).rsplit(" ", 1)[-1]
    key = ApiKey.objects.get(prefix=secret[:8])
    assert key.user is None and key.organization.is_staff_organization
    client = Client(HTTP_X_API_KEY=secret)
    for path in ("/v2/users", "/v2/user/me", "/v2/organizations"):
        assert client.get(path).status_code == 401
    # Beside a token it works for any user (a platform key).
    token = client.post("/auth/sign_in", {"username": "viewer", "password": "demo-password-123"},
                        content_type="application/json").json()["token"]
    assert client.get("/v2/user/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_an_older_demo_key_issued_to_admin_is_turned_into_an_organization_key():
    call_command("seed_demo", stdout=StringIO())
    ApiKey.objects.filter(name="Demo key").update(user=User.objects.get(username="admin"))
    call_command("seed_demo", stdout=StringIO())
    assert ApiKey.objects.get(name="Demo key").user is None

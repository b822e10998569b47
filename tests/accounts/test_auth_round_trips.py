"""A bearer token with the API key sent beside it is checked in one query, with the same answers
as the separate lookups: the user, the session, which keys cover which users."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework import exceptions
from rest_framework.request import Request

from accounts.authentication import CGAuthentication
from accounts.services.api_keys import create_api_key
from accounts.services.tokens import issue_session_token, revoke_session

pytestmark = pytest.mark.django_db


def authenticate(secret, token):
    request = Request(RequestFactory().get("/v2/user/me", HTTP_X_API_KEY=secret, HTTP_AUTHORIZATION=f"Bearer {token}"))
    return CGAuthentication().authenticate(request)


def queries_to_authenticate(secret, token):
    authenticate(secret, token)  # the key's last use is recorded once a minute, not on every request
    with CaptureQueriesContext(connection) as queries:
        user, credentials = authenticate(secret, token)
    return user, credentials, len(queries)


@pytest.mark.parametrize("key_owner", ["platform", "ancestor", "own organization"])
def test_one_query_for_token_and_key(world, key_owner):
    organization = {"platform": world.staff, "ancestor": world.partner_org, "own organization": world.customer}
    _key, secret = create_api_key(name="k", organization=organization[key_owner])
    token, session = issue_session_token(world.manager)
    user, credentials, queries = queries_to_authenticate(secret, token)
    assert queries == 1
    assert user == world.manager and user.role == "Manager" and user.organization_id == world.customer.pk
    assert credentials.kind == "jwt" and credentials.session.pk == session.pk
    assert credentials.api_key.name == "k" and credentials.api_key.platform_key is (key_owner == "platform")


def test_a_users_own_key_covers_that_user_alone(world):
    _key, secret = create_api_key(name="personal", organization=world.customer, user=world.manager)
    assert authenticate(secret, issue_session_token(world.manager)[0])[0] == world.manager
    with pytest.raises(exceptions.AuthenticationFailed, match="does not belong"):
        authenticate(secret, issue_session_token(world.user)[0])


def test_a_key_of_another_branch_does_not_cover_the_user(world):
    _key, secret = create_api_key(name="other", organization=world.other_org)
    with pytest.raises(exceptions.AuthenticationFailed, match="does not belong"):
        authenticate(secret, issue_session_token(world.manager)[0])


def test_refusals_name_what_is_wrong(world):
    token, session = issue_session_token(world.manager)
    with pytest.raises(exceptions.AuthenticationFailed, match="Invalid API key"):
        authenticate("cgk_not-a-key", token)
    revoke_session(session)
    with pytest.raises(exceptions.AuthenticationFailed, match="revoked"):
        authenticate(world.api_key, token)
    other_token, _ = issue_session_token(world.user)
    world.user.is_active = False
    world.user.save(update_fields=["is_active"])
    with pytest.raises(exceptions.AuthenticationFailed, match="revoked"):
        authenticate(world.api_key, other_token)

"""Shared fixtures: a small multi-tenant world and an API client that signs requests the way
real clients do (platform API key + bearer token from a real session)."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.services.api_keys import create_api_key
from accounts.services.tokens import issue_session_token
from organizations.services import staff_organization
from tests.factories import OrganizationFactory, UserFactory

PASSWORD = "correct-horse-battery"


class ApiClient:
    """JSON requests with X-API-KEY and, once `as_user` is called, a bearer token."""

    def __init__(self, api_key):
        self.client = Client()
        self.headers = {"HTTP_X_API_KEY": api_key} if api_key else {}
        self.user = None

    def as_user(self, user):
        other = ApiClient(None)
        other.headers = dict(self.headers)
        if user is not None:
            token, _ = issue_session_token(user)
            other.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        other.user = user
        return other

    def _call(self, method, path, body=None, params=None, **extra):
        headers = {**self.headers, **extra}
        kwargs = {}
        if body is not None:
            kwargs = {"data": json.dumps(body) if not isinstance(body, (str, bytes)) else body,
                      "content_type": headers.pop("content_type", "application/json")}
        if params:
            from urllib.parse import urlencode

            path = f"{path}?{urlencode(params, doseq=True)}"
        return getattr(self.client, method)(path, **kwargs, **headers)

    def get(self, path, params=None, **extra):
        return self._call("get", path, params=params, **extra)

    def post(self, path, body=None, params=None, **extra):
        return self._call("post", path, body if body is not None else {}, params, **extra)

    def put(self, path, body=None, params=None, **extra):
        return self._call("put", path, body if body is not None else {}, params, **extra)

    def delete(self, path, body=None, params=None, **extra):
        return self._call("delete", path, body, params, **extra)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in failure counters and throttles live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    staff: object
    admin: object
    partner_org: object
    partner: object
    customer: object
    manager: object
    user: object
    viewer: object
    other_org: object
    other_manager: object
    other_user: object
    api_key: str


@pytest.fixture
def world(db):
    staff = staff_organization()
    partner_org = OrganizationFactory(name="Partner Org", partner=True)
    customer = OrganizationFactory(name="Customer Org", parent=partner_org)
    other_org = OrganizationFactory(name="Other Org")
    admin = UserFactory(username="admin", role="Admin", organization=staff, is_staff=True, is_superuser=True)
    _key, secret = create_api_key(name="Platform key", organization=staff)
    return World(
        staff=staff, admin=admin, partner_org=partner_org,
        partner=UserFactory(username="partner", role="Partner", organization=partner_org),
        customer=customer,
        manager=UserFactory(username="manager", role="Manager", organization=customer),
        user=UserFactory(username="plainuser", role="User", organization=customer),
        viewer=UserFactory(username="viewer", role="Viewer", organization=customer),
        other_org=other_org,
        other_manager=UserFactory(username="othermanager", role="Manager", organization=other_org),
        other_user=UserFactory(username="otheruser", role="User", organization=other_org),
        api_key=secret,
    )


@pytest.fixture
def api(world):
    """Unauthenticated client carrying the platform API key; `api.as_user(world.manager)`."""
    return ApiClient(world.api_key)


def pytest_make_parametrize_id(config, val, argname):
    """Stable test ids for values that differ per process (UUIDs), so pytest-xdist workers agree."""
    import uuid

    if isinstance(val, uuid.UUID):
        return f"{argname}-uuid"
    return None


@pytest.fixture
def wsgi_app():
    """The real WSGI application, minus what only Django's test client also switches off: closing
    the database connection at the end of each request (it would close the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)

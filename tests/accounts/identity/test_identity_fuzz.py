"""Schemathesis over the identity routes' OpenAPI description (the /auth flows, /v2/user/mfa,
/v2/user/preferences, invite and impersonation): whatever a generated request holds, the answer
is never a 500. The schema is generated from these routes alone, so another section's schema
trouble cannot hide ours; requests go to the WSGI application in-process as an Admin."""

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from accounts.services.tokens import issue_session_token

IDENTITY = r"^/(auth/(?!sign_out)|v2/user/(mfa|preferences)|v2/users/(impersonate|[^/]+/(invite|impersonate)))"
EXAMPLES = 15


def load_operations():
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    from accounts.api import urls as accounts_urls
    from config.api.routers import ApiRouter

    router = ApiRouter()
    accounts_urls.register(router)
    patterns = [path("v2/", include(router.urls)), path("auth/", include(accounts_urls.auth_urlpatterns))]
    raw = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    raw = json.loads(json.dumps(raw, cls=DjangoJSONEncoder))
    loaded = schemathesis.openapi.from_dict(raw).include(path_regex=IDENTITY)
    return {result.ok().label: result.ok() for result in loaded.get_all_operations()}


OPERATIONS = load_operations()


@pytest.fixture
def wsgi_app():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_identity_route_is_described():
    assert len(OPERATIONS) == 21, sorted(OPERATIONS)  # the 20 routes of this section and POST /auth/sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error(label, world, wsgi_app):
    operation = OPERATIONS[label]
    token, _session = issue_session_token(world.admin)
    headers = {"X-API-KEY": world.api_key, "Authorization": f"Bearer {token}"}
    real_ids = st.sampled_from([str(u.pk) for u in (world.user, world.manager, world.partner, world.admin)])

    @given(case=operation.as_strategy(), real_id=real_ids, use_real_id=st.booleans())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def generated_requests_never_fail(case, real_id, use_real_id):
        if use_real_id and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = real_id
        response = case.call(app=wsgi_app, headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    generated_requests_never_fail()

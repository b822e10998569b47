"""Schemathesis over the identity routes' OpenAPI description (the /auth flows, /v2/user/mfa,
/v2/user/preferences, invite and impersonation): whatever a generated request holds, the answer
is never a 500. The schema is generated from these routes alone, so another section's schema
trouble cannot hide ours; requests go to the WSGI application in-process as an Admin."""

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder

from accounts.services.tokens import issue_session_token
from tests.fuzzing import assert_never_a_server_error

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




def test_every_identity_route_is_described():
    assert len(OPERATIONS) == 21, sorted(OPERATIONS)  # the 20 routes of this section and POST /auth/sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error(label, world, wsgi_app):
    operation = OPERATIONS[label]
    token, _session = issue_session_token(world.admin)
    headers = {"X-API-KEY": world.api_key, "Authorization": f"Bearer {token}"}
    real_ids = [str(u.pk) for u in (world.user, world.manager, world.partner, world.admin)]
    assert_never_a_server_error(operation, wsgi_app, headers, real_ids, EXAMPLES)

"""Schemathesis over /v2/schema for the foundation's routes (users, the signed-in user,
organizations, sign-in/out): whatever a generated request holds, the answer is never a 500.

The schema is the one /v2/schema serves (drf-spectacular's generator, built at collection so each
operation is its own test and xdist can spread them); requests go to the Django WSGI application
in-process and carry the platform API key and an Admin's bearer token, so generation reaches the
views, not just the authentication layer. Bounded: a few examples per operation, no deadline.

(schemathesis' own pytest plugin reads `Node._nodeid`, which pytest 9 no longer has, so the
operations are parametrized here and each runs a plain Hypothesis test.)"""

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder

from accounts.services.tokens import issue_session_token
from tests.fuzzing import assert_never_a_server_error

# The routes of issue #2; later sections bring their own fuzzing.
BUILT_HERE = r"^/(v2/(users|user|organizations)(/|$)|auth/sign_(in|out)$)"
NOT_HERE = (
    r"subscri|dependent_subscriptions|create_customer|active_plans|/products|change_product"
    r"|/invite|impersonate|/mfa|preferences"
)
# Routes that would end the session the other examples use; they have their own tests.
SESSION_ENDERS = r"^/(auth/sign_out|v2/user/password|v2/user/me)$"
EXAMPLES = 20


def load_operations():
    from drf_spectacular.generators import SchemaGenerator

    raw = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder))
    loaded = (
        schemathesis.openapi.from_dict(raw)
        .include(path_regex=BUILT_HERE)
        .exclude(path_regex=NOT_HERE)
        .exclude(method=["DELETE", "PUT"], path_regex=SESSION_ENDERS)
    )
    return {result.ok().label: result.ok() for result in loaded.get_all_operations()}


try:
    OPERATIONS, SCHEMA_ERROR = load_operations(), None
except Exception as error:  # a broken schema fails a test below instead of aborting collection
    OPERATIONS, SCHEMA_ERROR = {}, error




@pytest.fixture
def admin_headers(world):
    token, _session = issue_session_token(world.admin)
    return {"X-API-KEY": world.api_key, "Authorization": f"Bearer {token}"}


def test_the_foundation_routes_are_fuzzed():
    assert SCHEMA_ERROR is None, f"the OpenAPI schema cannot be generated: {SCHEMA_ERROR!r}"
    labels = set(OPERATIONS)
    for expected in ("GET /v2/users", "PUT /v2/users/{id}", "POST /v2/organizations", "PUT /v2/organizations/move",
                     "GET /v2/user/members", "POST /auth/sign_in"):
        assert expected in labels, sorted(labels)


def existing_ids(world, path):
    """Ids of real rows for `{id}`, so member routes are fuzzed beyond their 404."""
    if path.startswith("/v2/users/"):
        return [str(u.pk) for u in (world.user, world.viewer, world.manager, world.other_user, world.partner)]
    return [str(o.pk) for o in (world.customer, world.other_org, world.partner_org)]


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error(label, admin_headers, world, wsgi_app):
    operation = OPERATIONS[label]
    assert_never_a_server_error(operation, wsgi_app, admin_headers, existing_ids(world, operation.path), EXAMPLES)

"""/v2/schema describes what the API does: every operation has a summary, its success body and
its error bodies; every route answers, with a seeded database, what its operation documents,
and every accepted write request fits its documented body (tests/api/schema_check.py). A route
missing from the request tables fails here."""

import json

import pytest
from django.conf import settings

from accounts.models import TokenPurpose
from accounts.services import one_time_tokens
from tests.conftest import PASSWORD
from tests.events.audit_findings_routes import Upload
from tests.events.audit_routes import NOT_AUDITED, requests_table, unsafe_routes

from .schema_check import check_answer, check_request, schema_document, template_of_regex
from .schema_routes import FILE_ROUTES, GET_ROUTES, seed

WRITES = {key: (method, regex) for key, method, regex, _ in unsafe_routes()}
ERROR_CODES = {"401", "403", "404", "409", "422"}


def _token(world, purpose, ttl):
    return one_time_tokens.issue(world.user, purpose, getattr(settings, ttl), email=world.user.email)


# The routes the audit walk leaves out (NOT_AUDITED), with a request each; some can only answer an
# error here (a pending SMS sign-in, a stored report file): the error body is checked then.
EXTRA_WRITES = {
    "TargetViewSet.calculate_hosts": lambda api, w: (api.as_user(w.manager), "/v2/targets/calculate_hosts",
                                                     {"hosts": "192.0.2.1-4"}),
    "CheckTwoFactorView.post": lambda api, w: (api.as_user(None), "/auth/check_2fa",
                                               {"username": "plainuser", "password": PASSWORD}),
    "SendSmsOtpView.post": lambda api, w: (api.as_user(None), "/auth/send_sms_otp", {"otp_session_state": "nope"}),
    "RecoveryCodeSignInView.post": lambda api, w: (api.as_user(None), "/auth/sign_in_with_recovery_code",
                                                   {"username": "plainuser", "password": PASSWORD, "recovery_code": "x"}),
    "ConfirmationView.post": lambda api, w: (api.as_user(None), "/auth/confirmation", {
        "confirmation_token": _token(w, TokenPurpose.CONFIRMATION, "CONFIRMATION_TOKEN_TTL")}),
    "InvitationView.put": lambda api, w: (api.as_user(None), "/auth/invitation", {
        "invitation_token": _token(w, TokenPurpose.INVITATION, "INVITATION_TOKEN_TTL"),
        "password": "a-brand-new-passphrase", "password_confirmation": "a-brand-new-passphrase"}),
    "PasswordView.put": lambda api, w: (api.as_user(None), "/auth/password", {
        "reset_password_token": _token(w, TokenPurpose.PASSWORD_RESET, "PASSWORD_RESET_TOKEN_TTL"),
        "password": "a-brand-new-passphrase", "password_confirmation": "a-brand-new-passphrase"}),
    "SsoLinkView.post": lambda api, w: (api.as_user(None), "/auth/sso_link", {"email": w.user.email}),
    "ReportViewSet.verify": lambda api, w: (api.as_user(w.manager), f"/v2/reports/{seed(api, w).report.pk}/verify",
                                            {"sha256": "0" * 64, "format": "csv", "type": "detailed"}),
}


def operations():
    return {(method, path): operation for path, methods in schema_document()["paths"].items()
            for method, operation in methods.items()}


def test_every_operation_has_a_summary_a_success_body_and_its_errors():
    for (method, path), operation in operations().items():
        where = f"{method.upper()} {path}"
        summary = operation.get("summary", "")
        generic = operation["operationId"].split("_")[-1].capitalize()
        assert summary and len(summary.split()) > 1 and summary != generic, f"{where}: no real summary ({summary!r})"
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, f"{where} documents no success"
        assert "204" not in success, f"{where}: no route answers 204"
        if path not in FILE_ROUTES:
            assert all(responses[c].get("content", {}).get("application/json") for c in success), f"{where}: no body"
        assert {"401"} <= set(responses) <= ERROR_CODES | set(success), f"{where}: {sorted(responses)}"
        if "{" in path:
            assert "404" in responses, f"{where} names a record but documents no 404"


def test_every_resource_documents_its_attributes():
    """No resource is documented as an open object: hand-built attributes are in the table of
    config/api/schema_attributes.py."""
    from config.api.schema_bodies import OPEN_ATTRIBUTES

    assert OPEN_ATTRIBUTES["description"] not in json.dumps(schema_document())


def test_write_bodies_carry_the_resource_wrapper():
    body = operations()[("post", "/v2/users")]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["user"] and "$ref" in body["properties"]["user"]
    put_user = operations()[("put", "/v2/users/{id}")]["responses"]["200"]["content"]["application/json"]["schema"]
    assert put_user == {"$ref": "#/components/schemas/Empty"}


def test_every_route_is_exercised():
    """Every operation of the schema has a request in the tables, and every request an operation."""
    exercised = {("get", path) for path in GET_ROUTES} | {("get", path) for path in FILE_ROUTES}
    exercised |= {(method, template_of_regex(regex)) for key, (method, regex) in WRITES.items()}
    assert set(operations()) == exercised, {"undocumented": exercised - set(operations()),
                                            "without a request": set(operations()) - exercised}
    assert set(requests_table()) | set(EXTRA_WRITES) >= set(WRITES), set(WRITES) - set(requests_table()) - set(EXTRA_WRITES)
    assert set(EXTRA_WRITES) == set(NOT_AUDITED)


@pytest.mark.parametrize("path", sorted(GET_ROUTES))
def test_read_answers_match_the_schema(api, world, path):
    caller, build = GET_ROUTES[path]
    seeded = seed(api, world)
    client = api.as_user(getattr(world, caller) if caller else None)
    concrete = build(seeded)
    response = client.get(concrete)
    assert response.status_code < 300, (path, response.status_code, response.content[:300])
    check_answer("get", concrete, response)


@pytest.mark.parametrize("key", sorted(WRITES))
def test_write_answers_match_the_schema(api, world, key, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    method = WRITES[key][0]
    if key in EXTRA_WRITES:
        client, path, body = EXTRA_WRITES[key](api, world)
    else:
        client, path, body, _ = requests_table()[key](api, world)
    if isinstance(body, Upload):
        response = getattr(client.client, method)(path, dict(body), **client.headers)
    else:
        response = client._call(method, path, body)
    check_answer(method, path, response)
    if not isinstance(body, Upload) and response.status_code < 300:
        check_request(method, path, body)

"""The edge of /v2 and /auth (issue 13, items 7 and 8): bad input is a clear 4xx with the JSON
error body, never a 500 or an HTML page, and nothing an API response carries may be cached.

Requests go through the real WSGI application with CSRF checks on, as a browser or curl would
reach it (Django's test client switches CSRF checks off)."""

import json
from urllib.parse import quote

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw(world):
    """A client with CSRF checks on, carrying the platform API key."""
    client = Client(enforce_csrf_checks=True, HTTP_X_API_KEY=world.api_key)
    return client


def bearer(user):
    from accounts.services.tokens import issue_session_token

    return {"HTTP_AUTHORIZATION": f"Bearer {issue_session_token(user)[0]}"}


def assert_json_failure(response, status=None):
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:200])
    assert response["Cache-Control"] == "no-store"
    if status is not None:
        assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"status", "status_text", "message", "errors"}
    assert body["status"] == response.status_code
    return body


def test_json_nested_100000_levels_is_400(raw, world):
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        response = raw.post("/v2/targets", body, content_type="application/json", **bearer(world.manager))
        assert_json_failure(response, 400)
        response = raw.post("/auth/sign_in", body, content_type="application/json")
        assert_json_failure(response, 400)


@pytest.mark.parametrize("path", ["/v2/targets", "/v2/users", "/auth/sign_in", "/v2/nothing_here", "/auth/password"])
def test_a_10_mb_body_is_413_on_any_route(raw, world, path):
    body = json.dumps({"name": "x" * 10_000_000})
    response = raw.post(path, body, content_type="application/json", **bearer(world.manager))
    assert "too large" in assert_json_failure(response, 413)["message"]


def test_the_body_limit_is_a_setting(raw, world, settings):
    settings.API_MAX_BODY_BYTES = 2000
    small = raw.put(f"/v2/users/{world.user.pk}", json.dumps({"user": {"city": "x" * 100}}),
                    content_type="application/json", **bearer(world.manager))
    assert small.status_code == 200
    big = raw.put(f"/v2/users/{world.user.pk}", json.dumps({"user": {"city": "x" * 3000}}),
                  content_type="application/json", **bearer(world.manager))
    assert_json_failure(big, 413)


def test_upload_routes_declare_a_larger_limit(settings):
    from config.api.middleware import body_limit

    class UploadView:
        max_body_bytes = 5_000_000

    def view():
        pass

    view.cls = UploadView
    settings.API_MAX_BODY_BYTES = 1000
    assert body_limit(view) == 5_000_000
    view.cls = object
    assert body_limit(view) == 1000


def test_put_users_nul_is_a_json_404(raw, world):
    assert_json_failure(raw.put("/v2/users/%00", "{}", content_type="application/json", **bearer(world.manager)), 404)


@pytest.mark.parametrize("path", ["/v2/nothing", "/v2/users/%00/x", "/auth/nothing", "/v2", "/auth", "/v2/users/%0A"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_unsafe_methods_on_unknown_paths_are_json_404_not_the_csrf_page(raw, method, path):
    response = getattr(raw, method)(path, "{}", content_type="application/json")
    assert response.status_code in (404, 405)
    assert_json_failure(response)


def test_integer_inputs_take_the_model_fields_range():
    from scanning.api.inputs import ScanInput, ScheduleInput

    assert ScheduleInput().fields["count"].max_value == 2**31 - 1  # PositiveIntegerField
    assert ScheduleInput().fields["interval"].max_value == 1000  # a tighter bound is kept
    assert ScanInput().fields["max_hosts"].min_value == 1


def test_a_disallowed_host_is_a_json_400(world, settings):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    response = Client(HTTP_HOST="evil.example.net").get("/v2/users", HTTP_X_API_KEY=world.api_key)
    assert_json_failure(response, 400)


def test_a_url_too_long_or_strange_is_json(raw, world):
    for path in ("/v2/" + "a" * 5000, "/v2/users/" + quote("\u202e"), "/auth/sign_in/../../etc/passwd"):
        response = raw.get(path, **bearer(world.manager))
        assert_json_failure(response)


FAILURES = [
    # (method, path, body, content type, extra headers: a name of bearer/no-key/none)
    ("get", "/v2/users", None, None, "no-key"),
    ("get", "/v2/users", None, None, "bad-token"),
    ("post", "/v2/users", "{oops", "application/json", "manager"),
    ("post", "/v2/users", "[1]", "application/json", "manager"),
    ("post", "/v2/users", "a=1", "application/x-www-form-urlencoded", "manager"),
    ("post", "/v2/users", "<x/>", "application/xml", "manager"),
    ("post", "/v2/users", b"\xff\xfe\x00", "application/json", "manager"),
    ("post", "/v2/users", json.dumps({"user": {"username": "x"}}), "application/json", "viewer"),
    ("post", "/v2/users", json.dumps({"user": {"email": "bad"}}), "application/json", "manager"),
    ("get", "/v2/users/not-a-uuid", None, None, "manager"),
    ("get", "/v2/users/00000000-0000-0000-0000-000000000000", None, None, "manager"),
    ("put", "/v2/users", "{}", "application/json", "manager"),
    ("get", "/v2/users?page=0", None, None, "manager"),
    ("get", "/v2/users?sort_by=password", None, None, "manager"),
    ("get", "/v2/users?q[password]=x", None, None, "manager"),
    ("get", "/v2/users?relative_date_range=9999999999999999999y", None, None, "manager"),
    ("get", "/v2/users?date_range_start=2020-99-99", None, None, "manager"),
    ("post", "/auth/sign_in", json.dumps({"username": "manager", "password": "wrong"}), "application/json", "none"),
    ("post", "/auth/sign_in", json.dumps({"username": ["x"], "password": {"a": 1}}), "application/json", "none"),
    ("get", "/auth/sign_in", None, None, "none"),
    ("delete", "/auth/sign_out", None, None, "bad-token"),
    ("post", "/auth/password", "{}", "application/json", "none"),
    ("post", "/v2/scanners", json.dumps({"name": "x", "port": 10**30}), "application/json", "manager"),
    ("post", "/v2/schedules", json.dumps({"name": "s", "count": "1e999"}), "application/json", "manager"),
    ("options", "/v2/nothing", None, None, "manager"),
    ("trace", "/v2/users", None, None, "manager"),
]


@pytest.mark.parametrize(("method", "path", "body", "content_type", "who"), FAILURES)
def test_every_failure_is_json_and_not_cached(world, method, path, body, content_type, who):
    headers = {} if who == "no-key" else {"HTTP_X_API_KEY": world.api_key}
    if who == "bad-token":
        headers["HTTP_AUTHORIZATION"] = "Bearer not.a.token"
    elif who in ("manager", "viewer"):
        headers.update(bearer(getattr(world, who)))
    client = Client(enforce_csrf_checks=True)
    kwargs = {"data": body, "content_type": content_type} if body is not None else {}
    response = getattr(client, method)(path, **kwargs, **headers)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert_json_failure(response)


def test_responses_that_carry_a_token_are_not_cached(raw, world):
    world.manager.set_password(PASSWORD)
    world.manager.save()
    signed_in = raw.post("/auth/sign_in", json.dumps({"username": "manager", "password": PASSWORD}),
                         content_type="application/json")
    assert signed_in.status_code == 200 and signed_in.json()["token"]
    access = raw.put("/v2/user/generate_access_token", "{}", content_type="application/json", **bearer(world.manager))
    assert access.status_code == 200 and "token" in access.content.decode()
    impersonated = raw.post(f"/v2/users/{world.user.pk}/impersonate", "{}", content_type="application/json",
                            **bearer(world.admin))
    assert impersonated.status_code in (200, 201) and "token" in impersonated.content.decode()
    for response in (signed_in, access, impersonated):
        assert response["Cache-Control"] == "no-store"


def test_every_api_response_is_no_store_and_other_pages_are_untouched(raw, world):
    for path in ("/v2/users", "/v2/user/me", "/v2/schema", "/auth/nothing", "/v2/organizations/export"):
        assert raw.get(path, **bearer(world.admin))["Cache-Control"] == "no-store", path
    assert "no-store" not in raw.get("/healthz").get("Cache-Control", "")


def test_pages_outside_the_api_are_real_html_error_pages(rf, settings):
    from config.urls import handler404, handler500

    settings.DEBUG = False
    not_found = handler404(rf.get("/nothing"), Exception("x"))
    assert not_found.status_code == 404 and b"Page not found" in not_found.content
    error = handler500(rf.get("/admin/x"))
    assert error.status_code == 500 and b"Something went wrong on our side" in error.content
    assert handler500(rf.get("/v2/x"))["Content-Type"] == "application/json"

"""conventions.md, Errors and Request bodies: one error body for every failure, no stack traces."""

import pytest

from tests.api_mixins import ERROR_KEYS, assert_error

pytestmark = pytest.mark.django_db

STATUS_TEXT = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Record Not Found",
               405: "Method Not Allowed", 422: "Parameter Error", 429: "Too Many Requests"}


def check(response, status):
    body = assert_error(response, status)
    assert body["status_text"] == STATUS_TEXT[status]
    assert response["Content-Type"].startswith("application/json")
    text = response.content.decode()
    assert "Traceback" not in text and "SELECT" not in text
    return body


class TestBadBodies:
    @pytest.mark.parametrize("raw", ['{"user": ', "not json", '{"a": 1,}', "[1, 2]", '"string"', "null"])
    def test_invalid_json_is_400(self, api, world, raw):
        client = api.as_user(world.manager)
        check(client.put(f"/v2/users/{world.user.pk}", raw), 400)
        check(client.post("/v2/users", raw), 400)

    def test_invalid_json_on_sign_in_is_400(self, api, world):
        check(api.post("/auth/sign_in", "{oops"), 400)

    @pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
    def test_wrong_content_type_is_400(self, api, world, content_type):
        client = api.as_user(world.manager)
        response = client.put(f"/v2/users/{world.user.pk}", '{"user": {"city": "X"}}', content_type=content_type)
        check(response, 400)

    def test_empty_body_is_fine(self, api, world):
        client = api.as_user(world.manager)
        response = client.client.put(f"/v2/users/{world.user.pk}", **client.headers)
        assert (response.status_code, response.json()) == (200, {})

    def test_wrapped_and_unwrapped_bodies_mean_the_same(self, api, world):
        client = api.as_user(world.manager)
        assert client.put(f"/v2/users/{world.user.pk}", {"user": {"city": "A"}}).json() == {}
        world.user.refresh_from_db()
        assert world.user.city == "A"
        assert client.put(f"/v2/users/{world.user.pk}", {"city": "B"}).json() == {}
        world.user.refresh_from_db()
        assert world.user.city == "B"

    def test_validation_errors_name_every_bad_field(self, api, world):
        response = api.as_user(world.manager).put(
            f"/v2/users/{world.user.pk}", {"user": {"email": "bad", "timezone": "Nowhere/Land"}})
        body = check(response, 422)
        assert set(body["errors"]) == {"email", "timezone"}
        assert all(isinstance(m, list) and m for m in body["errors"].values())
        assert body["message"].startswith("Validation failed: ")


class TestRouting:
    @pytest.mark.parametrize("path", ["/v2/nothing_here", "/v2/users/extra/segments/here", "/v2/", "/auth/nothing"])
    def test_unknown_path_is_json_404(self, api, world, path):
        check(api.as_user(world.manager).get(path), 404)

    @pytest.mark.parametrize(("method", "path"), [
        ("post", "/v2/users/{id}"), ("put", "/v2/users"), ("post", "/v2/user/me"), ("get", "/v2/user/password"),
        ("post", "/v2/organizations/{org}"), ("delete", "/v2/organizations"), ("get", "/v2/organizations/move"),
        ("post", "/v2/organizations/export"), ("get", "/auth/sign_out"), ("put", "/v2/user/permissions"),
    ])
    def test_wrong_method_is_405(self, api, world, method, path):
        path = path.format(id=world.user.pk, org=world.customer.pk)
        check(getattr(api.as_user(world.admin), method)(path), 405)

    @pytest.mark.parametrize("path", ["/v2/users/", "/v2/organizations/", "/v2/user/me/", "/v2/user/members/",
                                      "/v2/user/permissions/", "/v2/organizations/export/"])
    def test_trailing_slash_is_the_same_route(self, api, world, path):
        response = api.as_user(world.admin).get(path)
        assert response.status_code == 200

    def test_collection_actions_do_not_clash_with_ids(self, api, world):
        client = api.as_user(world.admin)
        assert client.get("/v2/organizations/export")["Content-Type"].startswith("text/csv")

    def test_head_and_options_do_not_fail(self, api, world):
        client = api.as_user(world.manager)
        assert client.client.head("/v2/users", **client.headers).status_code == 200
        assert client.client.options("/v2/users", **client.headers).status_code in (200, 405)


class TestAuthErrors:
    def test_401_has_the_body_and_a_challenge(self, api, world):
        response = api.get("/v2/users")
        check(response, 401)
        assert response.has_header("WWW-Authenticate")

    def test_403_body(self, api, world):
        body = check(api.as_user(world.viewer).post("/v2/users", {"user": {"username": "x", "email": "x@e.com"}}), 403)
        assert body["errors"] == {}

    def test_404_body(self, api, world):
        body = check(api.as_user(world.manager).get(f"/v2/users/{world.other_user.pk}"), 404)
        assert body["errors"] == {}
        assert str(world.other_user.pk) not in body["message"]


class TestThrottle:
    def test_429_with_retry_after(self, api, world, settings):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "3/min"}}
        from rest_framework.settings import api_settings
        from rest_framework.throttling import SimpleRateThrottle

        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        try:
            client = api.as_user(world.manager)
            statuses = [client.get("/v2/user/me").status_code for _ in range(4)]
            assert statuses[:3] == [200, 200, 200]
            response = client.get("/v2/user/me")
            check(response, 429)
            assert int(response["Retry-After"]) >= 1
        finally:
            settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                                       "DEFAULT_THROTTLE_RATES": {"user": "100000/min", "anon": "100000/min"}}
            api_settings.reload()
            SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_error_keys_constant():
    assert ERROR_KEYS == {"status", "status_text", "message", "errors"}

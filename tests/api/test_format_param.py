"""`?format=`: DRF would read it as a renderer and answer a bare 404 for any it lacks. On /v2 a
list answers JSON (422 naming `format` otherwise, in the error envelope), and routes that take a
`format` of their own (report files, imports) read it (config/api/negotiation.py)."""

import pytest

from tests.api_mixins import assert_error, assert_list_envelope

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/v2/users", "/v2/organizations", "/v2/user/members", "/v2/reports", "/v2/scans",
                                  "/v2/audit/events"])
@pytest.mark.parametrize("value", ["csv", "xml", "api", "JSON"])
def test_a_list_in_another_format_is_a_422_naming_the_allowed_ones(api, world, path, value):
    body = assert_error(api.as_user(world.admin).get(path, {"format": value}), 422, "format")
    assert body["errors"] == {"format": ["is not a format of lists (allowed: json)"]}


@pytest.mark.parametrize("value", ["json", ""])
def test_a_list_in_json_is_the_list(api, world, value):
    response = api.as_user(world.admin).get("/v2/users", {"format": value})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert_list_envelope(response.json(), "user")


def test_a_record_route_answers_json_whatever_format_says(api, world):
    response = api.as_user(world.manager).get("/v2/user/me", {"format": "csv"})
    assert response.status_code == 200 and response.json()["data"]["attributes"]["username"] == "manager"


@pytest.mark.parametrize(("value", "openapi"), [("json", "application/vnd.oai.openapi+json"),
                                                ("yaml", "application/vnd.oai.openapi")])
def test_the_schema_still_renders_in_the_format_asked(client, value, openapi):
    assert client.get("/v2/schema", {"format": value})["Content-Type"].startswith(openapi)

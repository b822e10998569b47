"""GET /v2/schema (OpenAPI 3) and GET /v2/docs, both served offline (no CDN)."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api, world):
    response = api.as_user(world.admin).get("/v2/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_of_the_v2_api(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"]
    for path in ("/v2/users", "/v2/users/{id}", "/v2/organizations", "/v2/organizations/{id}", "/v2/user/me",
                 "/v2/organizations/export", "/v2/organizations/move"):
        assert path in schema["paths"], path


def test_schema_documents_both_credentials(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-KEY"}
    assert schemes["Bearer"]["scheme"] == "bearer"


def test_schema_documents_list_parameters(schema):
    names = {p["name"] for p in schema["paths"]["/v2/users"]["get"].get("parameters", [])}
    assert {"page", "per_page"} <= names


def test_schema_as_yaml_too(api, world):
    response = api.as_user(world.admin).get("/v2/schema")
    assert response.status_code == 200
    assert b"openapi" in response.content


def test_docs_load_no_cdn_assets(api, world):
    response = api.as_user(world.admin).get("/v2/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [s for s in sources if s.endswith((".js", ".css", ".png", ".ico"))]
    assert assets, "the docs page loads its assets"
    assert all(s.startswith("/static/") for s in assets), assets
    assert not re.search(r"https?://(?!testserver)", " ".join(sources)), sources


def test_docs_assets_are_served(api, world):
    html = api.as_user(world.admin).get("/v2/docs").content.decode()
    script = next(s for s in re.findall(r'src="([^"]+\.js)"', html) if s.startswith("/static/"))
    from django.contrib.staticfiles import finders

    assert finders.find(script.removeprefix("/static/")), script


def test_docs_and_schema_trailing_slash(api, world):
    client = api.as_user(world.admin)
    assert client.get("/v2/docs/").status_code == 200
    assert client.get("/v2/schema/").status_code == 200


def test_schema_and_docs_open_in_a_browser_without_credentials(world):
    """A browser cannot send X-API-KEY: the docs and the schema they load are public (they hold
    no tenant data); every operation they describe still requires credentials."""
    client = Client()
    assert client.get("/v2/docs").status_code == 200
    assert client.get("/v2/schema", {"format": "json"}).json()["openapi"].startswith("3.")
    assert client.get("/v2/users").status_code == 401

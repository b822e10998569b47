"""Discrepancies found by black-box testing the Users, User and Organizations sections against
the contract (over HTTP, as an outside client would), each pinned by the contract's rule."""

import csv
import io

import pytest

from tests.api_mixins import assert_error
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def options(client, path):
    return client.client.options(path, **client.headers)


@pytest.mark.parametrize(
    "path",
    [
        "/v2/user/me",
        "/v2/user/password",
        "/v2/user/organization",
        "/v2/user/change_product",
        "/v2/user/generate_access_token",
        "/v2/organizations/move",
    ],
)
def test_options_on_a_collection_action_is_not_a_500(api, world, path):
    # conventions.md, Errors: 500 is for our failures only; OPTIONS lists the allowed methods
    assert options(api.as_user(world.admin), path).status_code == 200


@pytest.mark.parametrize(
    "method, path",
    [("put", "/v2/users"), ("delete", "/v2/organizations"), ("post", "/auth/sign_out")],
)
def test_a_method_the_route_does_not_have_is_405_for_every_role(api, world, method, path):
    # conventions.md, Errors: 405 Method Not Allowed (the manager already gets it)
    assert_error(getattr(api.as_user(world.manager), method)(path, {}), 405)
    assert_error(getattr(api.as_user(world.viewer), method)(path, {}), 405)


def test_export_follows_sort_by(api, world):
    # conventions.md, Filtering lists: sort_by `<column> <asc|desc>`
    OrganizationFactory(name="Aardvark", parent=world.partner_org)
    OrganizationFactory(name="Zebra", parent=world.partner_org)
    response = api.as_user(world.partner).get("/v2/organizations/export", {"sort_by": "name desc"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert names == sorted(names, reverse=True)
    assert names[0] == "Zebra"


@pytest.mark.parametrize("path", ["/v2/users/not-a-uuid", "/v2/no-such-collection", "/auth/nothing"])
def test_an_unknown_path_is_the_json_404_even_with_debug_on(api, world, path, settings):
    settings.DEBUG = True  # the embedded default; Django would answer with its HTML debug page
    assert_error(api.as_user(world.admin).get(path), 404)


@pytest.mark.parametrize("value", [123, 1.5, True])
def test_a_number_or_boolean_for_a_text_attribute_is_a_422(api, world, value):
    # conventions.md: a known attribute with a wrong type or value is a 422
    response = api.as_user(world.admin).put(f"/v2/users/{world.user.pk}", {"user": {"first_name": value}})
    assert_error(response, 422, "first_name")
    response = api.as_user(world.admin).put(
        f"/v2/organizations/{world.customer.pk}", {"organization": {"country": value}}
    )
    assert_error(response, 422, "country")


@pytest.mark.parametrize("wrapped", ["notadict", None, ["a"], 5])
def test_a_wrapper_that_is_not_an_object_is_a_422(api, world, wrapped):
    response = api.as_user(world.admin).put(f"/v2/users/{world.user.pk}", {"user": wrapped})
    assert_error(response, 422, "user")


def test_bulk_delete_ids_must_be_strings(api, world):
    response = api.as_user(world.admin).delete("/v2/users", {"ids": [1, None, {"a": 1}]})
    assert_error(response, 422, "ids")


@pytest.mark.parametrize("page", ["\u0663", "1_0", "+2", "2.0"])
def test_page_numbers_are_plain_ascii_digits(api, world, page):
    assert_error(
        api.as_user(world.admin).get("/v2/users", {"page": page.encode().decode("unicode_escape")}), 422, "page"
    )

"""conventions.md, Filtering lists: a `q[<column>]` on a UUID column matches exactly, so an id
nobody can see (unknown, or another organization's) matches nothing, a 200 with an empty page, on
every list; a malformed id is a 422 naming the parameter."""

import uuid

import pytest
from django.db import models

from config.api.filtering import _resolve_field
from config.api.filters import CustomSearchFilter
from config.urls import router
from tests.api_mixins import assert_error, assert_list_envelope

pytestmark = pytest.mark.django_db


def uuid_columns():
    """(collection path, `q[...]` parameter) for every list column that matches a UUID."""
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "list") or "{" in prefix or "(?P" in prefix:
            continue
        for column, search in viewset().get_filterset_class().base_filters.items():
            if isinstance(search, CustomSearchFilter):
                continue
            field, _many = _resolve_field(viewset.queryset.model, search.field_name)
            if isinstance(field, models.UUIDField):
                yield f"/v2/{prefix}", f"q[{column}]"


UUID_COLUMNS = list(uuid_columns())


def test_the_id_columns_are_found():
    """The lists the contract names with id columns are among those checked below."""
    assert {("/v2/scans", "q[target_id]"), ("/v2/reports", "q[scan_id]"), ("/v2/vulnerabilities", "q[scan_id]"),
            ("/v2/exceptions", "q[scan_id]"), ("/v2/users", "q[organization_id]")} <= set(UUID_COLUMNS)


@pytest.mark.parametrize(("path", "param"), UUID_COLUMNS)
def test_an_unknown_id_is_an_empty_page(api, world, path, param):
    response = api.as_user(world.admin).get(path, {param: str(uuid.uuid4())})
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert_list_envelope(body, None)
    assert body["data"] == [] and body["meta"]["total_count"] == 0


@pytest.mark.parametrize(("path", "param"), UUID_COLUMNS)
def test_a_malformed_id_is_a_422_naming_the_parameter(api, world, path, param):
    body = assert_error(api.as_user(world.admin).get(path, {param: "not-a-uuid"}), 422, param)
    assert body["errors"][param] == ["is not a valid UUID"]

"""The declared FilterSets behind every list: the schema documents exactly their columns, the
filter classes keep the contract's rules, and an undeclared column is a 422 naming it."""

import pytest

from config.api.errors import InvalidInput
from config.api.filters import CustomSearchFilter, ResourceFilterSet, SearchFilter, filter_list
from config.urls import router

pytestmark = pytest.mark.django_db


def list_routes():
    """(collection path, viewset) for every registered viewset with a `list` route."""
    for prefix, viewset, _basename in router.registry:
        if hasattr(viewset, "list") and "{" not in prefix and "(?P" not in prefix:
            yield f"/v2/{prefix}", viewset


@pytest.fixture(scope="module")
def schema_paths(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)["paths"]


@pytest.mark.parametrize(("path", "viewset"), list(list_routes()), ids=lambda v: v if isinstance(v, str) else "")
def test_schema_lists_the_filterset_columns(schema_paths, path, viewset):
    filterset_class = viewset().get_filterset_class()
    documented = {p["name"] for p in schema_paths[path]["get"].get("parameters", []) if p["name"].startswith("q[")}
    assert documented == {f"q[{column}]" for column in filterset_class.base_filters}


def test_every_resource_list_declares_a_filterset():
    undeclared = [v.__name__ for _path, v in list_routes() if v.filterset_class is None and v.search_fields]
    assert undeclared == []


class UserColumns(ResourceFilterSet):
    username = SearchFilter()
    domain = CustomSearchFilter(lambda queryset, value: _domain(queryset, value))


def _domain(queryset, value):
    if "@" in value:
        raise ValueError("is a domain, not an address")
    return queryset.filter(email__iendswith=f"@{value}")


@pytest.fixture
def users(world):
    from accounts.models import User

    return User.objects.filter(organization=world.customer)


def test_search_filter_applies_the_wildcard_and_case_rules(users, world):
    params = {"q[username]": f"'{world.manager.username.upper()[:3]}*'"}
    found = filter_list(users, params, UserColumns, sort_fields=("username",))
    assert world.manager in found
    assert all(u.username.lower().startswith(world.manager.username[:3].lower()) for u in found)


def test_custom_filter_value_error_is_a_422_naming_the_column(users):
    with pytest.raises(InvalidInput) as caught:
        list(filter_list(users, {"q[domain]": "a@b.c"}, UserColumns, sort_fields=("username",)))
    assert caught.value.errors == {"q[domain]": ["is a domain, not an address"]}


def test_undeclared_column_is_a_422_listing_the_declared_ones(users):
    with pytest.raises(InvalidInput) as caught:
        filter_list(users, {"q[email]": "x"}, UserColumns, sort_fields=("username",))
    assert caught.value.errors == {"q[email]": ["is not a searchable column (allowed: username, domain)"]}


def test_nul_is_refused_before_any_filter_runs(users):
    with pytest.raises(InvalidInput) as caught:
        filter_list(users, {"q[username]": "a\x00b"}, UserColumns, sort_fields=("username",))
    assert list(caught.value.errors) == ["q[username]"]


def test_an_explicit_empty_value_matches_empty_values_only(users):
    """`q[username]=''` is a search for an empty value, not a missing parameter."""
    assert not filter_list(users, {"q[username]": "''"}, UserColumns, sort_fields=("username",)).exists()
    assert filter_list(users, {"q[username]": ""}, UserColumns, sort_fields=("username",)).exists()

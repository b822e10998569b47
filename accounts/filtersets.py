"""The `q[...]` columns of the user lists (GET /v2/users, GET /v2/user/members)."""

from config.api.filters import CustomSearchFilter, ResourceFilterSet, SearchFilter
from config.api.params import truthy


def confirmed(queryset, value):
    return queryset.filter(confirmed=truthy("q[confirmed]", value))


class UserFilterSet(ResourceFilterSet):
    email = SearchFilter("email")
    username = SearchFilter("username")
    first_name = SearchFilter("first_name")
    last_name = SearchFilter("last_name")
    role = SearchFilter("role")
    organization_id = SearchFilter("organization_id")
    confirmed = CustomSearchFilter(confirmed)

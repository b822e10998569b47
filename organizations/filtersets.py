"""The `q[...]` columns of the organization and subscription lists."""

from config.api.filters import ResourceFilterSet, SearchFilter


class OrganizationFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    company_name = SearchFilter("company_name")
    partner = SearchFilter("partner")
    parent_organization_id = SearchFilter("parent_id")
    country = SearchFilter("country")


class SubscriptionFilterSet(ResourceFilterSet):
    status = SearchFilter("status")
    product_code = SearchFilter("product__code")


class PlanFilterSet(ResourceFilterSet):
    product_code = SearchFilter("product__code")
    code = SearchFilter("code")
    kind = SearchFilter("kind")

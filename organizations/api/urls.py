from config.api.viewsets import ResourceViewSet
from organizations.api.product_context import ProductContextViewSet
from organizations.api.subscriptions import CatalogueViewSet, OrganizationSubscriptionViewSet
from organizations.api.views import OrganizationViewSet

UUID = ResourceViewSet.lookup_value_regex


def register(router):
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register(
        rf"organizations/(?P<id>{UUID})/subscriptions", OrganizationSubscriptionViewSet,
        basename="organization-subscription",
    )
    router.register("subscriptions", CatalogueViewSet, basename="catalogue")
    router.register("user", ProductContextViewSet, basename="user-products")

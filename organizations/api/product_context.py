"""/v2/user/products, active_plans, subscriptions_history, change_product."""

from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.params import param
from config.api.viewsets import ResourceViewSet
from organizations.api.subscription_serializers import (
    PlanSerializer,
    ProductCodeInput,
    ProductSerializer,
    SubscriptionSerializer,
)
from organizations.api.subscriptions import SUBSCRIPTION_SORT, SubscriptionResponses, subscriptions_of
from organizations.filtersets import SubscriptionFilterSet
from organizations.models import Subscription
from organizations.services import products


class ProductContextViewSet(SubscriptionResponses, ResourceViewSet):
    queryset = Subscription.objects.none()
    filterset_class = SubscriptionFilterSet
    sort_fields = SUBSCRIPTION_SORT
    write_role = "Viewer"  # switching one's own product is self-service
    list_actions = ("subscriptions_history",)  # documented with the list parameters in /v2/schema
    schema_requests = {"change_product": ProductCodeInput}

    def get_serializer_class(self):
        return {"products": ProductSerializer, "active_plans": PlanSerializer}.get(
            getattr(self, "action", None), SubscriptionSerializer
        )

    @action(detail=False, methods=["get"])
    def products(self, request):
        page = self.paginate_queryset(products.available_products(request.user))
        return self.get_paginated_response(ProductSerializer(page, many=True).data)

    @action(detail=False, methods=["get"])
    def active_plans(self, request):
        page = self.paginate_queryset(products.active_plans(request.user))
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    @action(detail=False, methods=["get"])
    def subscriptions_history(self, request):
        return self.respond_subscriptions(subscriptions_of([request.user.organization_id]))

    @action(detail=False, methods=["put"])
    def change_product(self, request):
        code = products.change_product(request.user, param(request, "product_code", required=False))
        return Response({"active_product": code})

"""Organization subscriptions: /v2/organizations/{id}/subscriptions..., the subscribe and
unsubscribe actions, dependent subscriptions, and the /v2/subscriptions catalogue."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.errors import InvalidInput
from config.api.uuids import parse_uuid
from config.api.viewsets import ListMixin, ResourceViewSet, RetrieveMixin, UpdateMixin
from organizations.api.subscription_serializers import (
    PlanRequestSerializer,
    PlanSerializer,
    ProductSerializer,
    SubscriptionSerializer,
    SubscriptionUpdateSerializer,
    UnsubscribeInput,
    plan_requests,
)
from organizations.choices import LIVE_STATUSES
from organizations.filtersets import PlanFilterSet, SubscriptionFilterSet
from organizations.models import Organization, Plan, Product, Subscription
from organizations.services.limits import catalogue_codes, usage_map
from organizations.services.subscriptions import offered_plans, subscribe, unsubscribe, update_subscription
from organizations.services.tree import descendants

SUBSCRIPTION_SORT = ("created_at", "start_date", "end_date", "status")


class SubscriptionResponses:
    """Renders subscriptions with their usage (batched) and the `attributes[]` selection."""

    def subscription_context(self, subscriptions, product_codes=None):
        params = self.request.query_params
        only = [a for a in params.getlist("attributes[]") + params.getlist("attributes") if a]
        usage = usage_map(subscriptions, product_codes)
        return {**self.get_serializer_context(), "usage": usage, "only_attributes": only}

    def respond_subscription(self, subscription, status=200):
        context = self.subscription_context([subscription])
        return Response({"data": SubscriptionSerializer(subscription, context=context).data}, status=status)

    def respond_subscriptions(self, queryset):
        # The subscription columns, whatever viewset (organizations, user) this is mixed into.
        queryset = self.filter_list(queryset, SubscriptionFilterSet, SUBSCRIPTION_SORT)
        page = self.paginate_queryset(queryset)
        context = self.subscription_context(page, catalogue_codes() if page else None)
        data = SubscriptionSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


def subscriptions_of(organization_ids):
    return Subscription.objects.select_related("plan", "product").filter(organization_id__in=organization_ids)


class OrganizationSubscribeMixin(SubscriptionResponses):
    """Actions mixed into the organization viewset."""

    schema_requests = {"subscribe": PlanRequestSerializer, "subscribe_own": PlanRequestSerializer,
                       "unsubscribe": UnsubscribeInput}

    def get_serializer_class(self):
        if getattr(self, "action", None) in ("subscribe", "subscribe_own", "unsubscribe", "dependent_subscriptions"):
            return SubscriptionSerializer
        return super().get_serializer_class()

    @action(detail=True, methods=["post"])
    def subscribe(self, request, pk=None):
        organization = self.get_object()
        subscription = subscribe(request.user, organization, plan_requests(self.payload("subscription"), prefix="")[0])
        return self.respond_subscription(subscription, status=201)

    @extend_schema(operation_id="organizations_subscribe_own")
    @action(detail=False, methods=["post"], url_path="subscribe")
    def subscribe_own(self, request):
        subscription = subscribe(request.user, request.user.organization, plan_requests(self.payload("subscription"), prefix="")[0])
        return self.respond_subscription(subscription)

    @action(detail=True, methods=["post"])
    def unsubscribe(self, request, pk=None):
        organization = self.get_object()
        body = self.validated(serializer_class=UnsubscribeInput, data=self.payload("subscription"))
        subscriptions = Subscription.objects.select_related("plan", "product", "organization").filter(organization=organization)
        if body.get("subscription_id"):
            subscription, field = subscriptions.filter(pk=body["subscription_id"]).first(), "subscription_id"
        elif body.get("plan"):
            subscription = subscriptions.filter(plan__code=body["plan"], status__in=LIVE_STATUSES).first()
            field = "plan"
        else:
            raise InvalidInput.field("plan", "or subscription_id is required")
        if subscription is None:
            raise InvalidInput.field(field, "does not match an active subscription of this organization")
        unsubscribe(request.user, subscription, body.get("cancellation_reason", ""))
        return self.respond_subscription(subscription)

    @action(detail=True, methods=["get"])
    def dependent_subscriptions(self, request, pk=None):
        organization = self.get_object()
        return self.respond_subscriptions(subscriptions_of(descendants(organization.pk)))


class OrganizationSubscriptionViewSet(SubscriptionResponses, ListMixin, RetrieveMixin, UpdateMixin, ResourceViewSet):
    queryset = Subscription.objects.select_related("plan", "product")
    serializer_class = SubscriptionSerializer
    input_serializer_class = SubscriptionUpdateSerializer
    update_service = update_subscription
    resource_name = "subscription"
    filterset_class = SubscriptionFilterSet
    sort_fields = SUBSCRIPTION_SORT
    write_role = "Partner"
    lookup_url_kwarg = "subscription_id"  # /v2/organizations/{id}/subscriptions/{subscription_id}
    list_actions = ("active",)

    def organization(self):
        if not hasattr(self, "_organization"):
            scoped = self.scope(Organization.objects.all(), "pk")
            self._organization = scoped.filter(pk=self.kwargs["id"]).first()
            if self._organization is None:
                raise Http404
        return self._organization

    def get_queryset(self):
        return super().get_queryset().filter(organization=self.organization())

    def records_context(self, records):
        listing = self.action in ("list", "active")  # every product's usage, so the query count is fixed
        return self.subscription_context(records, catalogue_codes() if listing and records else None)

    @action(detail=False, methods=["get"])
    def active(self, request, **kwargs):
        return self.respond_list(self.filter_queryset(self.get_queryset().filter(status__in=LIVE_STATUSES)))


class CatalogueViewSet(ResourceViewSet):
    """The plans and products on offer (not tenant-owned: no organization scope)."""

    queryset = Plan.objects.select_related("product").prefetch_related("features").filter(active=True)
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet
    sort_fields = {"code": "code", "name": "name", "price": "price", "created_at": "created_at"}
    default_sort = ("product__position", "code")
    list_actions = ("plans",)

    def get_serializer_class(self):
        return ProductSerializer if getattr(self, "action", None) == "products" else PlanSerializer

    def scope(self, queryset, organization_field=None):
        """Not tenant-owned; a caller sees only the plans it may subscribe to (audience)."""
        if queryset.model is Plan:
            return offered_plans(queryset, self.request.user)
        return queryset

    @action(detail=False, methods=["get"])
    def products(self, request):
        page = self.paginate_queryset(Product.objects.all())
        return self.get_paginated_response(ProductSerializer(page, many=True).data)

    @action(detail=False, methods=["get"])
    def plans(self, request):
        return self.respond_list(self.filter_queryset(self.get_queryset()))

    @extend_schema(operation_id="subscriptions_plans_retrieve_one")
    @action(detail=False, methods=["get"], url_path=rf"plans/(?P<id>{ResourceViewSet.lookup_value_regex})")
    def plan(self, request, **kwargs):
        plan = self.get_queryset().filter(pk=parse_uuid(kwargs["id"])).first()
        if plan is None:
            raise Http404
        return self.respond(plan)

"""/v2/webhooks (with their delivery log, test ping and redelivery) and /v2/webhook_events."""

import uuid

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.serializers import ResourceSerializer
from config.api.uuids import parse_uuid
from config.api.viewsets import ResourceViewSet
from events import catalogue
from events.api.serializers import WebhookDeliverySerializer, WebhookInputSerializer, WebhookSerializer
from events.models import Webhook, WebhookDelivery
from events.services import webhooks as service

UUID = ResourceViewSet.lookup_value_regex


class WebhookViewSet(ResourceViewSet):
    queryset = Webhook.objects.all()
    serializer_class = WebhookSerializer
    input_serializer_class = WebhookInputSerializer
    resource_name = "webhook"
    search_fields = {"name": "name", "url": "url", "state": "state", "active": "active",
                     "event": lambda queryset, value: _subscribed_to(queryset, value)}
    sort_fields = ("name", "created_at", "last_delivery_at")
    read_role = "Manager"
    write_role = "Manager"

    def list(self, request):
        return self.respond_list(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, pk=None):
        return self.respond(self.get_object())

    def create(self, request):
        data = self.validated()
        organization = self._organization(data.pop("organization_id", None))
        return self.respond(service.create_webhook(request.user, organization, data), status=http.HTTP_201_CREATED)

    def update(self, request, pk=None):
        webhook = self.get_object()
        data = self.validated(instance=webhook, partial=True)
        data.pop("organization_id", None)
        return self.respond(service.update_webhook(request.user, webhook, data))

    partial_update = update

    def destroy(self, request, pk=None):
        self.get_object().delete()
        return Response({})

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = service.ping(self.get_object(), actor=request.user)
        return Response({"data": WebhookDeliverySerializer(delivery).data})

    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        queryset = WebhookDelivery.objects.filter(webhook=self.get_object())
        queryset = self._filter_deliveries(queryset)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(operation_id="webhooks_delivery_retrieve")
    @action(detail=True, methods=["get"], url_path=rf"deliveries/(?P<delivery_id>{UUID})")
    def delivery(self, request, pk=None, delivery_id=None):
        return Response({"data": WebhookDeliverySerializer(self._delivery(delivery_id)).data})

    @action(detail=True, methods=["post"], url_path=rf"deliveries/(?P<delivery_id>{UUID})/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        copy = service.redeliver(self._delivery(delivery_id))
        return Response({"data": WebhookDeliverySerializer(copy).data}, status=http.HTTP_202_ACCEPTED)

    # --- helpers ---
    def _delivery(self, delivery_id):
        delivery = WebhookDelivery.objects.filter(webhook=self.get_object(), pk=parse_uuid(delivery_id)).first()
        if delivery is None:
            raise Http404
        return delivery

    def _filter_deliveries(self, queryset):
        from config.api.filtering import apply_list_params

        return apply_list_params(
            queryset, self.request.query_params, sort_fields=("created_at",),
            search_fields={"event": "event", "succeeded": "succeeded", "response_status": "response_status",
                           "test": "is_test"},
        )

    def _organization(self, raw_id):
        """The caller's organization, or one it can see (staff, partners for customers)."""
        from django.apps import apps

        organizations = self.scope(apps.get_model("organizations", "Organization").objects.all(), "pk")
        if raw_id is None:
            return organizations.model.objects.get(pk=self.request.user.organization_id)
        organization = organizations.filter(pk=raw_id).first()
        if organization is None:
            from config.api.errors import InvalidInput

            raise InvalidInput.field("organization_id", "was not found")
        return organization


def _subscribed_to(queryset, value):
    if value not in catalogue.EVENTS:
        raise ValueError(f"is not an event name (one of: {', '.join(catalogue.SUBSCRIBABLE)})")
    ids = [pk for pk, events in queryset.values_list("pk", "events") if value in (events or [])]
    return queryset.filter(pk__in=ids)


class EventCatalogue(list):
    """The catalogue as something PagePagination can count and slice."""

    def count(self, *args):
        return len(self)


class WebhookEventViewSet(ResourceViewSet):
    """GET /v2/webhook_events: what a webhook can subscribe to, with a sample payload."""

    serializer_class = ResourceSerializer
    search_fields = {}

    def list(self, request):
        items = EventCatalogue(_event_body(name) for name in catalogue.SUBSCRIBABLE)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(page)


def _event_body(name):
    pk = str(uuid.uuid5(uuid.NAMESPACE_URL, f"cg-webhook-event:{name}"))
    return {"id": pk, "type": "webhook_event", "attributes": {
        "id": pk, "name": name, "description": catalogue.description(name),
        "subscribable": name != "ping", "sample_payload": catalogue.sample_payload(name),
    }}

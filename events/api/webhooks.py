"""/v2/webhooks (with their delivery log, test ping and redelivery) and /v2/webhook_events."""

import uuid

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.serializers import ResourceSerializer
from config.api.uuids import parse_uuid
from config.api.viewsets import ModelResourceViewSet, ResourceViewSet
from events import catalogue
from events.api.serializers import WebhookDeliverySerializer, WebhookInputSerializer, WebhookSerializer
from events.filtersets import WebhookDeliveryFilterSet, WebhookFilterSet
from events.models import Webhook, WebhookDelivery
from events.services import webhooks as service

UUID = ResourceViewSet.lookup_value_regex


class WebhookViewSet(ModelResourceViewSet):
    queryset = Webhook.objects.all()
    serializer_class = WebhookSerializer
    input_serializer_class = WebhookInputSerializer
    resource_name = "webhook"
    filterset_class = WebhookFilterSet
    sort_fields = ("name", "created_at", "last_delivery_at")
    read_role = "Manager"
    write_role = "Manager"
    create_service = service.create_webhook_for
    update_service = service.update_webhook

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = service.ping(self.get_object(), actor=request.user)
        return Response({"data": WebhookDeliverySerializer(delivery).data})

    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        queryset = self.filter_list(WebhookDelivery.objects.filter(webhook=self.get_object()),
                                    WebhookDeliveryFilterSet, ("created_at",))
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


class EventCatalogue(list):
    """The catalogue as something PagePagination can count and slice."""

    def count(self, *args):
        return len(self)


class WebhookEventViewSet(ResourceViewSet):
    """GET /v2/webhook_events: what a webhook can subscribe to, with a sample payload."""

    serializer_class = ResourceSerializer

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

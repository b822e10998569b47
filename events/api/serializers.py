"""The events resources (resources.md): audit_event, notification, webhook, webhook_delivery,
webhook_event, whitelabel. Read forms are built by hand (constant cost, exact shape); input
serializers only validate."""

from rest_framework import serializers

from config.api.fields import StrictCharField
from config.api.serializers import ResourceSerializer, iso_timestamp
from events import catalogue
from events.models import AuditEvent, Notification, Webhook, WebhookDelivery


def _person(pk, username):
    return {"id": str(pk), "username": username} if pk else None


class AuditEventSerializer(ResourceSerializer):
    resource_type = "audit_event"
    relationships = {"organization": ("organization_id", "organization")}

    class Meta:
        model = AuditEvent
        fields = ("id",)

    def attributes(self, event):
        return {
            "action": event.action, "source": event.source,
            "actor": _person(event.actor_id, event.actor_username) or (
                {"id": None, "username": event.actor_username} if event.actor_username else None),
            "impersonator": _person(event.impersonator_id, event.impersonator_username),
            "organization": {"id": str(event.organization_id)} if event.organization_id else None,
            "resource_type": event.resource_type or None, "resource_id": event.resource_id or None,
            "resource_repr": event.resource_repr, "changes": event.changes, "data": event.data,
            "ip": event.ip, "user_agent": event.user_agent, "request_id": event.request_id,
            "created_at": iso_timestamp(event.created_at),
        }


class NotificationSerializer(ResourceSerializer):
    resource_type = "notification"

    class Meta:
        model = Notification
        fields = ("id",)

    def attributes(self, note):
        return {
            "kind": note.kind, "event": note.event, "title": note.title, "message": note.message,
            "resource": {"type": note.resource_type, "id": note.resource_id} if note.resource_id else None,
            "read": note.read, "seen": note.seen, "read_at": iso_timestamp(note.read_at),
            "seen_at": iso_timestamp(note.seen_at), "created_at": iso_timestamp(note.created_at),
        }


class WebhookSerializer(ResourceSerializer):
    resource_type = "webhook"
    relationships = {"organization": ("organization_id", "organization"), "created_by": ("created_by_id", "user")}

    class Meta:
        model = Webhook
        fields = ("id",)

    def attributes(self, hook):
        return {
            "name": hook.name, "url": hook.url, "events": hook.events, "active": hook.active,
            "include_customers": hook.include_customers, "secret_set": hook.secret_set, "state": hook.state,
            "failing_since": iso_timestamp(hook.failing_since), "last_delivery_at": iso_timestamp(hook.last_delivery_at),
            "last_status": hook.last_status, "organization_id": str(hook.organization_id),
            "created_at": iso_timestamp(hook.created_at), "updated_at": iso_timestamp(hook.updated_at),
        }


class WebhookDeliverySerializer(ResourceSerializer):
    resource_type = "webhook_delivery"
    relationships = {"webhook": ("webhook_id", "webhook"), "redelivery_of": ("redelivery_of_id", "webhook_delivery")}

    class Meta:
        model = WebhookDelivery
        fields = ("id",)

    def attributes(self, delivery):
        return {
            "event": delivery.event, "delivery_id": str(delivery.pk), "payload": delivery.payload,
            "attempts": delivery.attempts, "status": delivery.status, "succeeded": delivery.succeeded,
            "response_status": delivery.response_status, "response_body": delivery.response_body,
            "error": delivery.error or None, "duration_ms": delivery.duration_ms, "test": delivery.is_test,
            "next_attempt_at": iso_timestamp(delivery.next_attempt_at),
            "delivered_at": iso_timestamp(delivery.delivered_at), "created_at": iso_timestamp(delivery.created_at),
        }


class WebhookInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=255)
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(child=serializers.ChoiceField(choices=catalogue.SUBSCRIBABLE), allow_empty=False)
    secret = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=255,
                                   trim_whitespace=False, write_only=True)
    active = serializers.BooleanField(required=False)
    include_customers = serializers.BooleanField(required=False)
    organization_id = serializers.UUIDField(required=False)

    def validate_events(self, value):
        return list(dict.fromkeys(value))

    def validate_secret(self, value):
        return value or ""

"""/v2/audit/events and /v2/notifications (the webhook and white-label routes live beside this
file: webhooks.py, whitelabel.py)."""

from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.viewsets import ReadOnlyResourceViewSet, ResourceViewSet
from events.api.serializers import AuditEventSerializer, NotificationSerializer
from events.models import AuditEvent, Notification
from events.services.notifications import mark


class AuditEventViewSet(ReadOnlyResourceViewSet):
    """Append-only: no create, update or delete route. Managers see their organization's events,
    partners their customers' too, platform staff every event."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    organization_field = "organization_id"
    read_role = "Manager"
    search_fields = {"action": "action", "actor_id": "actor_id", "resource_type": "resource_type",
                     "resource_id": "resource_id", "ip": "ip", "request_id": "request_id", "source": "source"}
    sort_fields = ("created_at", "action")


class NotificationViewSet(ResourceViewSet):
    """The caller's own notifications; nobody else's are reachable (404), whatever the role."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    search_fields = {"kind": "kind", "read": "read", "seen": "seen", "event": "event"}
    sort_fields = ("created_at", "kind")
    write_role = "User"  # deleting; marking read/seen is open to every role (conventions.md)
    action_roles = {"read": "Viewer", "seen": "Viewer", "read_all": "Viewer", "seen_all": "Viewer"}
    audit_resource_type = "notification"
    organization_field = "organization_id"  # a plain column: the audit trail reads it (no FK to follow)

    def get_queryset(self):
        user = self.request.user
        if not getattr(user, "is_authenticated", False):
            return Notification.objects.none()
        return Notification.objects.filter(user=user)

    def list(self, request):
        return self.respond_list(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, pk=None):
        return self.respond(self.get_object())

    def destroy(self, request, pk=None):
        self.get_object().delete()
        return Response({})

    @action(detail=True, methods=["put"])
    def read(self, request, pk=None):
        note = self.get_object()
        mark(Notification.objects.filter(pk=note.pk), "read")
        note.refresh_from_db()
        return self.respond(note)

    @action(detail=True, methods=["put"])
    def seen(self, request, pk=None):
        note = self.get_object()
        mark(Notification.objects.filter(pk=note.pk), "seen")
        note.refresh_from_db()
        return self.respond(note)

    @action(detail=False, methods=["put"])
    def read_all(self, request):
        return Response({"updated": mark(self.filter_queryset(self.get_queryset()).order_by(), "read")})

    @action(detail=False, methods=["put"])
    def seen_all(self, request):
        return Response({"updated": mark(self.filter_queryset(self.get_queryset()).order_by(), "seen")})

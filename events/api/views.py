"""/v2/audit/events and /v2/notifications (the webhook and white-label routes live beside this
file: webhooks.py, whitelabel.py)."""

from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.viewsets import DestroyMixin, ReadOnlyResourceViewSet
from events.api.serializers import AuditEventSerializer, NotificationSerializer
from events.filtersets import AuditEventFilterSet, NotificationFilterSet
from events.models import AuditEvent, Notification
from events.services.notifications import mark


class AuditEventViewSet(ReadOnlyResourceViewSet):
    """Append-only: no create, update or delete route. Managers see their organization's events,
    partners their customers' too, platform staff every event."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    organization_field = "organization_id"
    read_role = "Manager"
    filterset_class = AuditEventFilterSet
    sort_fields = ("created_at", "action")


class NotificationViewSet(DestroyMixin, ReadOnlyResourceViewSet):
    """The caller's own notifications; nobody else's are reachable (404), whatever the role."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
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

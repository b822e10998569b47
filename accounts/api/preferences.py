"""The signed-in user's notification preferences: /v2/user/preferences (User Preferences)."""

from rest_framework import serializers
from rest_framework.decorators import action

from accounts.api import schema
from accounts.models import NotificationPreference
from accounts.services.preferences import check_name, preferences_of, update_preference
from config.api.serializers import ResourceSerializer, iso_timestamp
from config.api.viewsets import ResourceViewSet


class PreferenceSerializer(ResourceSerializer):
    resource_type = "preference"

    class Meta:
        model = NotificationPreference
        fields = ("id",)

    def attributes(self, row):
        return {
            "name": row.name, "kind": "notifications", "enabled": row.enabled, "in_app": row.in_app,
            "email": row.email, "channels": {"in_app": row.in_app, "email": row.email},
            "created_at": iso_timestamp(row.created_at), "updated_at": iso_timestamp(row.updated_at),
        }


class PreferenceInputSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)


class PreferenceViewSet(ResourceViewSet):
    queryset = NotificationPreference.objects.none()
    serializer_class = PreferenceSerializer
    resource_name = "preference"
    read_role = write_role = "Viewer"  # one's own preferences: every role

    def list(self, request):
        """Every notification preference with its channels (defaults until changed)."""
        return self.respond_list(preferences_of(request.user))

    @schema.preference_update
    @action(detail=False, methods=["put"], url_path=r"notifications/(?P<name>[^/]+)")
    def notification(self, request, name=None):
        """Body `{"preference": {"enabled", "email", "in_app"}}`, each optional."""
        check_name(name)
        data = self.validated(serializer_class=PreferenceInputSerializer)
        return self.respond(update_preference(request.user, name, data))

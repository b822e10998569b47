from events.api.views import AuditEventViewSet, NotificationViewSet
from events.api.webhooks import WebhookEventViewSet, WebhookViewSet
from events.api.whitelabel import WhitelabelSettingsViewSet, WhitelabelViewSet


def register(router):
    router.register("audit/events", AuditEventViewSet, basename="audit-event")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("webhooks", WebhookViewSet, basename="webhook")
    router.register("webhook_events", WebhookEventViewSet, basename="webhook-event")
    router.register("whitelabel", WhitelabelViewSet, basename="whitelabel")
    router.register("whitelabel_settings", WhitelabelSettingsViewSet, basename="whitelabel-settings")

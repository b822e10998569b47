from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Webhook payloads and audit records name users in their API form (imported when needed).
        from accounts.models import User
        from events.registry import register_serializer

        register_serializer(User, "accounts.api.serializers.UserSerializer")

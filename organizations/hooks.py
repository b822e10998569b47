"""How organizations plugs its resources into the event registry (webhook and audit forms)."""


def install():
    _register_event_forms()


def _register_event_forms():
    from events.registry import register_serializer
    from organizations.api.serializers import OrganizationSerializer
    from organizations.api.subscription_serializers import SubscriptionSerializer
    from organizations.models import Organization, Subscription

    register_serializer(Organization, OrganizationSerializer)
    register_serializer(Subscription, SubscriptionSerializer)

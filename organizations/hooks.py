"""How organizations plugs its resources into the event registry (webhook and audit forms)."""


def install():
    _register_event_forms()


def _register_event_forms():
    from events.registry import register_serializer
    from organizations.models import Organization, Subscription

    # Dotted paths: the serializers (and DRF) are imported when an event first needs them.
    register_serializer(Organization, "organizations.api.serializers.OrganizationSerializer")
    register_serializer(Subscription, "organizations.api.subscription_serializers.SubscriptionSerializer")

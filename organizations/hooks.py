"""How organizations plugs its rules into the accounts and organization routes."""


def product_codes(user):
    from organizations.services.products import available_products

    return [{"code": p.code, "name": p.name} for p in available_products(user)]


def install():
    from accounts.api.me import ME_BLOCKS
    from organizations.services.products import current_plan

    _register_event_forms()
    ME_BLOCKS["products"] = product_codes
    ME_BLOCKS["current_plan"] = current_plan


def _register_event_forms():
    from events.registry import register_serializer
    from organizations.api.serializers import OrganizationSerializer
    from organizations.api.subscription_serializers import SubscriptionSerializer
    from organizations.models import Organization, Subscription

    register_serializer(Organization, OrganizationSerializer)
    register_serializer(Subscription, SubscriptionSerializer)

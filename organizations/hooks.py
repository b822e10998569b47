"""How organizations plugs its rules into the accounts and organization routes."""

from config.api.params import truthy


def initial_subscriptions(actor, organization, payload):
    """POST /v2/organizations: default plans, or the requested `plans`."""
    from organizations.api.subscription_serializers import plan_requests
    from organizations.services.customers import apply_initial_subscriptions

    requests = plan_requests(payload.get("plans") or [], prefix="plans")
    skip = truthy("skip_default_subscription", payload.get("skip_default_subscription", False))
    apply_initial_subscriptions(actor, organization, requests, skip)


def product_codes(user):
    from organizations.services.products import available_products

    return [{"code": p.code, "name": p.name} for p in available_products(user)]


def install():
    from accounts.api.me import ME_BLOCKS
    from organizations.api.views import AFTER_CREATE
    from organizations.services.products import current_plan

    AFTER_CREATE.append(initial_subscriptions)
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

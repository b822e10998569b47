"""Customer on-boarding: organization + first user + subscriptions, all or nothing."""

from django.db import transaction

from config.api.errors import InvalidInput

from .organizations import create_organization
from .subscriptions import subscribe_defaults, subscribe_many


def apply_initial_subscriptions(actor, organization, plan_requests, skip_default):
    """A new organization gets the requested plans plus each other product's default plan,
    or only the requested plans with skip_default_subscription (then plans are required)."""
    if skip_default and not plan_requests:
        raise InvalidInput.field("plans", "is required when skip_default_subscription is true")
    created = subscribe_many(actor, organization, plan_requests)
    if not skip_default:
        created += subscribe_defaults(organization, skip_products={r.plan.product_id for r in plan_requests})
    return created


@transaction.atomic
def create_customer(actor, *, user_fields, plan_requests, skip_default, organization=None, organization_fields=None):
    """Returns (organization, user, subscriptions). Any error leaves nothing behind."""
    from accounts.services.users import create_user

    subscriptions = []
    if organization is None:
        organization = create_organization(actor, organization_fields or {})
        subscriptions = apply_initial_subscriptions(actor, organization, plan_requests, skip_default)
    elif plan_requests:
        subscriptions = subscribe_many(actor, organization, plan_requests)
    user_fields = {"role": "Manager", **user_fields, "organization": organization}
    password = user_fields.pop("password", None)
    user = create_user(actor, user_fields, password=password)
    return organization, user, subscriptions

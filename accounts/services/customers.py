"""Customer on-boarding (POST /v2/users/create_customer): organization + first user +
subscriptions, all or nothing."""

from django.db import transaction

from accounts.services.users import create_user
from organizations.services.creation import apply_initial_subscriptions
from organizations.services.organizations import create_organization
from organizations.services.subscriptions import subscribe_many


@transaction.atomic
def create_customer(actor, *, user_fields, plan_requests, skip_default, organization=None, organization_fields=None):
    """Returns (organization, user, subscriptions). Any error leaves nothing behind."""
    subscriptions = []
    if organization is None:
        organization = create_organization(actor, organization_fields or {})
        subscriptions = apply_initial_subscriptions(actor, organization, plan_requests, skip_default)
    elif plan_requests:
        subscriptions = subscribe_many(actor, organization, plan_requests)
    user_fields = {"role": "Manager", **user_fields, "organization": organization}
    user = create_user(actor, user_fields)
    return organization, user, subscriptions

"""A new organization with its first subscriptions: POST /v2/organizations, customer
on-boarding (accounts.services.customers) and the admin all create organizations this way."""

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
def create_organization_with_plans(actor, fields):
    """`fields` as the organization input gives them, with `plans` (PlanRequests) and
    `skip_default_subscription`; returns the organization, its subscriptions made."""
    fields = dict(fields)
    plan_requests = fields.pop("plans", None) or []
    skip_default = fields.pop("skip_default_subscription", False)
    organization = create_organization(actor, fields)
    apply_initial_subscriptions(actor, organization, plan_requests, skip_default)
    return organization


def delete_organizations(actor, organizations):
    from .organizations import delete_organization

    for organization in organizations:
        delete_organization(actor, organization)

"""The one place plan limits are enforced. Other apps register how they count usage
(`register_usage("number_of_ips", fn)`) and call `check_limit` before they add more."""

from config.api.errors import LimitExceeded
from organizations.choices import LIVE_STATUSES
from organizations.models import Subscription

# feature name -> callable(organization_ids, product_code) -> {organization_id: usage}
# (batched, so listing many subscriptions costs a constant number of queries)
USAGE_CALCULATORS = {}


def register_usage(feature, calculator):
    USAGE_CALCULATORS[feature] = calculator


def live_subscription(organization, product_code):
    return (
        Subscription.objects.select_related("plan", "product")
        .filter(organization=organization, product__code=product_code, status__in=LIVE_STATUSES)
        .first()
    )


def usage_of(organization, product_code):
    return {name: calc([organization.pk], product_code).get(organization.pk, 0) for name, calc in USAGE_CALCULATORS.items()}


def usage_map(subscriptions):
    """{(organization_id, product_code): {feature: usage}} for many subscriptions at once."""
    by_product = {}
    for subscription in subscriptions:
        by_product.setdefault(subscription.product.code, set()).add(subscription.organization_id)
    usage = {}
    for product_code, org_ids in by_product.items():
        for name, calc in USAGE_CALCULATORS.items():
            counts = calc(list(org_ids), product_code)
            for org_id in org_ids:
                usage.setdefault((org_id, product_code), {})[name] = counts.get(org_id, 0)
    return usage


def check_limit(organization, product_code, feature, amount=1, *, current=None):
    """Raise LimitExceeded (422 naming the limit) when adding `amount` would pass the plan's limit.
    `current` overrides the registered usage count (e.g. when an update replaces old usage)."""
    subscription = live_subscription(organization, product_code)
    if subscription is None:
        raise LimitExceeded(
            f"Validation failed: {feature} limit exceeded: the organization has no active {product_code} subscription",
            {feature: [f"requires an active {product_code} subscription"]},
        )
    enabled, limit = subscription.limit_of(feature)
    if not enabled:
        raise LimitExceeded(
            f"Validation failed: {feature} is not included in the {subscription.plan.code} plan",
            {feature: [f"is not included in the {subscription.plan.code} plan"]},
        )
    if limit is None:
        return subscription
    used = current if current is not None else _usage(feature, organization, product_code)
    if used + amount > limit:
        message = f"exceeds the plan limit of {limit} (in use: {used}, requested: {amount})"
        raise LimitExceeded(f"Validation failed: {feature} limit exceeded: {message}", {feature: [message]})
    return subscription


def _usage(feature, organization, product_code):
    calculator = USAGE_CALCULATORS.get(feature)
    return calculator([organization.pk], product_code).get(organization.pk, 0) if calculator else 0

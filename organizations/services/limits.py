"""The one place plan limits are enforced. Other apps register how they count usage
(`register_usage("number_of_ips", fn)`) and call `check_limit` before they add more."""

from config.api.errors import LimitExceeded
from organizations.choices import LIVE_STATUSES
from organizations.models import Product, Subscription

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


def catalogue_codes():
    return list(Product.objects.values_list("code", flat=True))


def usage_of(organization, product_code):
    return {name: calc([organization.pk], product_code).get(organization.pk, 0) for name, calc in USAGE_CALCULATORS.items()}


def usage_map(subscriptions, product_codes=None):
    """{(organization_id, product_code): {feature: usage}} for many subscriptions at once: one
    call per calculator and product. Lists pass every product code of the catalogue so that
    their query count does not depend on which products a page happens to hold."""
    org_ids = sorted({subscription.organization_id for subscription in subscriptions})
    if not org_ids:
        return {}
    codes = product_codes if product_codes is not None else sorted({s.product.code for s in subscriptions})
    usage = {}
    for product_code in codes:
        for name, calc in USAGE_CALCULATORS.items():
            counts = calc(org_ids, product_code)
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

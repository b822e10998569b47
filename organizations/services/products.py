"""The user's product context: which product's scanning data they work in."""

from config.api.errors import InvalidInput
from organizations.choices import LIVE_STATUSES
from organizations.models import Plan, Product, Subscription


def live_subscriptions(organization_id):
    return Subscription.objects.select_related("plan", "product").filter(
        organization_id=organization_id, status__in=LIVE_STATUSES
    )


def available_products(user):
    """Products the user's organization holds a live subscription to (every product for Admins)."""
    if user.role == "Admin":
        return Product.objects.all()
    return Product.objects.filter(
        subscriptions__organization_id=user.organization_id, subscriptions__status__in=LIVE_STATUSES
    ).distinct()


def change_product(user, product_code):
    if not product_code:
        raise InvalidInput.field("product_code", "is required")
    if not available_products(user).filter(code=product_code).exists():
        if not Product.objects.filter(code=product_code).exists():
            raise InvalidInput.field("product_code", "is not a known product")
        raise InvalidInput.field("product_code", f"needs an active {product_code} subscription")
    user.active_product = product_code
    user.save(update_fields=["active_product", "updated_at"])
    user.__dict__.pop("_current_product", None)  # read with the request's authentication
    return product_code


def current_product(user):
    """The product scanning lists are limited to: the chosen one, else the first available."""
    codes = list(available_products(user).order_by("position").values_list("code", flat=True))
    if user.active_product in codes:
        return user.active_product
    return codes[0] if codes else ""  # the chosen product lost its subscription: fall back


def current_product_sql(user, quote):
    """`current_product` as an SQL expression over a user row aliased `user` (for the one query
    that authenticates a request: accounts/services/credentials.py), with its parameters."""
    product, subscription = quote(Product._meta.db_table), quote(Subscription._meta.db_table)
    code, position = quote("code"), quote("position")
    available = (f"FROM {product} p WHERE ({user}.{quote('role')} = %s OR EXISTS (SELECT 1 "  # noqa: S608
                 f"FROM {subscription} s WHERE s.{quote('product_id')} = p.{quote('id')} AND "
                 f"s.{quote('organization_id')} = {user}.{quote('organization_id')} AND s.{quote('status')} IN (%s, %s)))")
    sql = (f"COALESCE((SELECT p.{code} {available} AND p.{code} = {user}.{quote('active_product')}), "  # noqa: S608
           f"(SELECT p.{code} {available} ORDER BY p.{position} LIMIT 1), '')")
    statuses = [str(status) for status in LIVE_STATUSES]
    return sql, ["Admin", *statuses, "Admin", *statuses]


def current_plan(user):
    code = current_product(user)
    subscription = live_subscriptions(user.organization_id).filter(product__code=code).first()
    if subscription is None:
        return None
    return {
        "code": subscription.plan.code, "name": subscription.plan.name, "product": code,
        "status": subscription.status, "end_date": subscription.end_date.isoformat() if subscription.end_date else None,
        "features": subscription.features,
    }


def active_plans(user):
    plan_ids = live_subscriptions(user.organization_id).values_list("plan_id", flat=True)
    return Plan.objects.select_related("product").prefetch_related("features").filter(pk__in=plan_ids)

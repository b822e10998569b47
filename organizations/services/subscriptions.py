"""Subscription rules (resources.md, product / plan / subscription). Shared by the API, the
admin, the lifecycle job and the demo seeding."""

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from config.api.errors import Forbidden, InvalidInput
from config.api.permissions import has_role
from events.emit import emit
from organizations.choices import LIVE_STATUSES, Interval, PlanKind, SubscriptionStatus
from organizations.models import Plan, Subscription

from .limits import live_subscription
from .tree import is_within

PERIOD = {Interval.MONTHLY: relativedelta(months=1), Interval.YEARLY: relativedelta(years=1)}


@dataclass
class PlanRequest:
    """One entry of a `plans` list or a subscribe body, already parsed."""

    plan: Plan
    interval: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    auto_renewal: bool = False
    features: dict = field(default_factory=dict)
    prefix: str = ""  # where errors point, e.g. "plans.0."


def end_of_period(start, interval):
    step = PERIOD.get(interval)
    return start + step if step else None


def authorize(actor, organization, *, open_limits=False):
    """Admin: any organization. Partner: its customers (and its own, except setting open limits).
    Manager: its own organization, normal plans only."""
    if actor is None or actor.role == "Admin":
        return
    own = organization.pk == actor.organization_id
    if actor.role == "Partner" and ((not own and is_within(organization.pk, actor.organization_id)) or (own and not open_limits)):
        return
    if own and has_role(actor, "Manager") and not open_limits:
        return
    raise Forbidden("Your role does not allow changing this organization's subscriptions")


def _effective_features(organization, request):
    """Normal plans: the plan's limits. Open plans: the requested limits over the plan's,
    never above the parent partner's own (even when nothing was requested)."""
    plan_features = request.plan.feature_dict()
    if request.plan.kind != PlanKind.OPEN:
        if request.features:
            raise InvalidInput.field(f"{request.prefix}features", "can only be set for open plans")
        return plan_features
    requested = parse_features(request.features, request.prefix) if request.features else {}
    return cap_by_parent(organization, request.plan.product.code, {**plan_features, **requested}, request.prefix)


def check_offered(organization, request):
    """What partners and customers may choose themselves (staff may give anyone any plan): a plan
    meant for the organization's kind (audience), and within the parent partner's own limits."""
    plan = request.plan
    if not plan.offered_to(organization):
        who = "partner" if organization.partner else "customer"
        raise InvalidInput.field(f"{request.prefix}plan", f"is not offered to {who} organizations")
    parent = organization.parent
    parent_holds_it = parent is not None and live_subscription(parent, plan.product.code) is not None
    # Open plans are capped feature by feature in _effective_features; a normal plan's limits
    # are compared with the partner's own when the partner holds that product.
    if plan.kind != PlanKind.OPEN and parent_holds_it:
        try:
            cap_by_parent(organization, plan.product.code, plan.feature_dict(), request.prefix)
        except InvalidInput as error:
            raise InvalidInput.field(f"{request.prefix}plan", "exceeds the parent organization's own plan: "
                                     + error.message.removeprefix("Validation failed: ")) from None


def offered_plans(queryset, user):
    """The plans `user` may subscribe its organization to (GET /v2/subscriptions/plans)."""
    from organizations.choices import PlanAudience

    organization = getattr(user, "organization", None)
    if getattr(user, "role", None) == "Admin" or (organization is not None and organization.is_staff_organization):
        return queryset
    if organization is None:
        return queryset.none()
    mine = PlanAudience.PARTNERS if organization.partner else PlanAudience.CUSTOMERS
    return queryset.filter(audience__in=(mine, PlanAudience.BOTH))


def parse_features(raw, prefix=""):
    if not isinstance(raw, dict):
        raise InvalidInput.field(f"{prefix}features", "must be an object such as {\"number_of_ips\": {\"limit\": 5}}")
    parsed = {}
    for name, value in raw.items():
        value = value if isinstance(value, dict) else {"limit": value}
        limit = value.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise InvalidInput.field(f"{prefix}features.{name}.limit", "must be a non-negative integer or null")
        enabled = value.get("enabled", True)
        if not isinstance(enabled, bool):
            raise InvalidInput.field(f"{prefix}features.{name}.enabled", "must be true or false")
        parsed[name] = {"enabled": enabled, "limit": limit}
    return parsed


def cap_by_parent(organization, product_code, features, prefix=""):
    """Open-plan limits may not exceed the parent partner organization's own limits."""
    parent = organization.parent
    if parent is None or parent.is_staff_organization:
        return features
    parent_subscription = live_subscription(parent, product_code)
    if parent_subscription is None:
        raise InvalidInput.field(f"{prefix}plan", f"needs the parent organization to hold an active {product_code} subscription")
    for name, value in features.items():
        enabled, cap = parent_subscription.limit_of(name)
        if value["enabled"] and not enabled:
            raise InvalidInput.field(f"{prefix}features.{name}", "is not included in the parent organization's plan")
        if cap is not None and (value["limit"] is None or value["limit"] > cap):
            raise InvalidInput.field(f"{prefix}features.{name}.limit", f"exceeds the parent organization's limit of {cap}")
    return features


def _dates(request, interval):
    start = request.start_date or timezone.localdate()
    end = request.end_date or end_of_period(start, interval)
    if end is not None and end < start:
        raise InvalidInput.field(f"{request.prefix}end_date", "must not be before start_date")
    return start, end


@transaction.atomic
def subscribe(actor, organization, request):
    """One new subscription; a live one for the same product already present is a 422."""
    authorize(actor, organization, open_limits=bool(request.features))
    plan = request.plan
    if not plan.active:
        raise InvalidInput.field(f"{request.prefix}plan", "is not offered any more")
    if actor is not None and actor.role != "Admin":
        check_offered(organization, request)
    if live_subscription(organization, plan.product.code) is not None:
        raise InvalidInput.field(f"{request.prefix}plan", f"cannot be added: the organization already has an active {plan.product.code} subscription")
    interval = request.interval or plan.default_interval
    start, end = _dates(request, interval)
    subscription = Subscription.objects.create(
        organization=organization, plan=plan, product=plan.product, interval=interval,
        status=SubscriptionStatus.TRIAL if plan.trial_enabled else SubscriptionStatus.ACTIVE,
        start_date=start, end_date=end, auto_renewal=request.auto_renewal, price=plan.price,
        trial_enabled=plan.trial_enabled, trial_duration_days=plan.trial_duration_days,
        features=_effective_features(organization, request),
    )
    transaction.on_commit(lambda: emit("subscription_created", subscription, actor=actor, organization=organization))
    return subscription


def subscribe_many(actor, organization, requests):
    """Several plans at once: the first plan of each product applies, later ones are ignored."""
    seen, created = set(), []
    for request in requests:
        if request.plan.product_id in seen:
            continue
        seen.add(request.plan.product_id)
        created.append(subscribe(actor, organization, request))
    return created


def subscribe_defaults(organization, skip_products=()):
    """Each product's default plan, for a new organization (no actor check: part of creation)."""
    plans = Plan.objects.select_related("product").prefetch_related("features").filter(default=True, active=True)
    return [
        subscribe(None, organization, PlanRequest(plan=plan))
        for plan in plans
        if plan.product_id not in skip_products
    ]


@transaction.atomic
def unsubscribe(actor, subscription, reason=""):
    authorize(actor, subscription.organization)
    if not subscription.live:
        raise InvalidInput.field("subscription_id", f"is already {subscription.status}")
    subscription.status = SubscriptionStatus.CANCELLED
    subscription.cancellation_reason = reason or ""
    subscription.auto_renewal = False
    subscription.save(update_fields=["status", "cancellation_reason", "auto_renewal", "updated_at"])
    transaction.on_commit(lambda: emit("subscription_cancelled", subscription, actor=actor, organization=subscription.organization))
    return subscription


@transaction.atomic
def update_subscription(actor, subscription, fields):
    """end_date, auto_renewal, status, features (Partner for its customers, Admin)."""
    organization = subscription.organization
    if actor is not None and actor.role != "Admin" and organization.pk == actor.organization_id:
        raise Forbidden("Your own organization's subscriptions are changed by your partner or the platform")
    authorize(actor, organization, open_limits="features" in fields)
    if "status" in fields and fields["status"] in LIVE_STATUSES and not subscription.live:
        other = live_subscription(organization, subscription.product.code)
        if other is not None and other.pk != subscription.pk:
            raise InvalidInput.field("status", f"cannot be {fields['status']}: another {subscription.product.code} subscription is active")
    if "features" in fields:
        if subscription.plan.kind != PlanKind.OPEN:
            raise InvalidInput.field("features", "can only be set for open plans")
        merged = {**subscription.features, **parse_features(fields.pop("features"))}
        fields["features"] = cap_by_parent(organization, subscription.product.code, merged)
    end_date = fields.get("end_date", subscription.end_date)
    if end_date is not None and end_date < subscription.start_date:
        raise InvalidInput.field("end_date", "must not be before start_date")
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.save()
    return subscription

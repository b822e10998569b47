from rest_framework import serializers

from config.api.errors import InvalidInput
from config.api.fields import StrictCharField
from config.api.serializers import ResourceSerializer, iso_timestamp
from config.api.uuids import parse_uuid
from organizations.choices import Interval, SubscriptionStatus
from organizations.models import Plan, Product, Subscription
from organizations.services.subscriptions import PlanRequest


def product_block(product):
    return {"code": product.code, "name": product.name, "description": product.description}


class ProductSerializer(ResourceSerializer):
    resource_type = "product"

    class Meta:
        model = Product
        fields = ("id",)

    def attributes(self, product):
        return product_block(product)


class PlanSerializer(ResourceSerializer):
    """Expects `product` selected and `features` prefetched."""

    resource_type = "plan"

    class Meta:
        model = Plan
        fields = ("id",)

    def attributes(self, plan):
        return {
            "code": plan.code, "name": plan.name, "description": plan.description, "product": plan.product.code,
            "kind": plan.kind, "audience": plan.audience, "default": plan.default, "default_interval": plan.default_interval,
            "price": str(plan.price), "trial_enabled": plan.trial_enabled,
            "trial_duration_days": plan.trial_duration_days, "features": plan.feature_dict(),
        }


class SubscriptionSerializer(ResourceSerializer):
    """Context: `usage` ({(org_id, product_code): {...}}) and optional `only_attributes`."""

    resource_type = "subscription"
    relationships = {"organization": ("organization_id", "organization")}

    class Meta:
        model = Subscription
        fields = ("id",)

    def attributes(self, sub):
        attrs = {
            "price": str(sub.price), "status": sub.status,
            "start_date": sub.start_date.isoformat(), "end_date": sub.end_date.isoformat() if sub.end_date else None,
            "interval": sub.interval, "created_at": iso_timestamp(sub.created_at),
            "updated_at": iso_timestamp(sub.updated_at), "trial_enabled": sub.trial_enabled,
            "trial_duration_days": sub.trial_duration_days, "auto_renewal": sub.auto_renewal,
            "cancellation_reason": sub.cancellation_reason or None,
            "product": product_block(sub.product), "plan": {"code": sub.plan.code, "name": sub.plan.name},
            "features": sub.features,
            "usage": self.context.get("usage", {}).get((sub.organization_id, sub.product.code), {}),
        }
        only = self.context.get("only_attributes")
        return {k: v for k, v in attrs.items() if k in only} if only else attrs


def find_plan(value, field_name):
    plans = Plan.objects.select_related("product").prefetch_related("features")
    if not isinstance(value, str) or not value:
        raise InvalidInput.field(field_name, "is required (a plan code such as pci-standard)")
    plan = plans.filter(pk=parse_uuid(value)).first() if parse_uuid(value) else plans.filter(code=value).first()
    if plan is None:
        raise InvalidInput.field(field_name, "was not found")
    return plan


class PlanRequestSerializer(serializers.Serializer):
    plan = StrictCharField()
    interval = serializers.ChoiceField(choices=Interval.choices, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    auto_renewal = serializers.BooleanField(required=False, default=False)
    features = serializers.DictField(required=False)


def plan_requests(raw, prefix="plans"):
    """Validate a `plans` list (or one subscribe body when prefix is "") into PlanRequests."""
    items = raw if prefix else [raw]
    if prefix and not isinstance(raw, list):
        raise InvalidInput.field(prefix, "must be a list of plans")
    requests = []
    for index, item in enumerate(items):
        where = f"{prefix}.{index}." if prefix else ""
        if isinstance(item, str):
            item = {"plan": item}
        serializer = PlanRequestSerializer(data=item if isinstance(item, dict) else {})
        if not serializer.is_valid():
            field, messages = next(iter(serializer.errors.items()))
            from config.api.exceptions import friendly

            raise InvalidInput.field(f"{where}{field}", friendly(messages[0]))
        data = serializer.validated_data
        requests.append(PlanRequest(
            plan=find_plan(data["plan"], f"{where}plan"), interval=data.get("interval"),
            start_date=data.get("start_date"), end_date=data.get("end_date"),
            auto_renewal=data.get("auto_renewal", False), features=data.get("features") or {}, prefix=where,
        ))
    return requests


class SubscriptionUpdateSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, allow_null=True)
    auto_renewal = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices, required=False)
    features = serializers.DictField(required=False)


class UnsubscribeInput(serializers.Serializer):
    """POST /v2/organizations/{id}/unsubscribe (documents the body; the view reads it)."""

    plan = StrictCharField(required=False, help_text="plan code of the live subscription to cancel")
    subscription_id = serializers.UUIDField(required=False)
    cancellation_reason = StrictCharField(required=False, allow_blank=True, max_length=2000)


class ProductCodeInput(serializers.Serializer):
    product_code = StrictCharField(help_text="also accepted in the query string")

from django.db import models

from config.api.models import TimestampedModel
from organizations.choices import LIVE_STATUSES, Interval, PlanAudience, PlanKind, SubscriptionStatus


class Product(TimestampedModel):
    """A product line (`pci`, `vrms`, `pentest`), seeded by a data migration."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "code")

    def __str__(self):
        return self.code


class Plan(TimestampedModel):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=8, choices=PlanKind.choices, default=PlanKind.NORMAL)
    audience = models.CharField(
        max_length=12, choices=PlanAudience.choices, default=PlanAudience.BOTH,
        help_text="Which organizations may subscribe: partners, customers (not partners) or both.",
    )
    default = models.BooleanField(default=False, help_text="Subscribed automatically when an organization is created.")
    default_interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTHLY)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    trial_enabled = models.BooleanField(default=False)
    trial_duration_days = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Offered to new subscriptions.")

    class Meta:
        ordering = ("product__position", "code")
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=models.Q(default=True), name="one_default_plan_per_product"),
        ]

    def __str__(self):
        return self.code

    def offered_to(self, organization):
        """May `organization` subscribe to this plan? (The staff organization may take any.)"""
        if organization.is_staff_organization or self.audience == PlanAudience.BOTH:
            return True
        return self.audience == (PlanAudience.PARTNERS if organization.partner else PlanAudience.CUSTOMERS)

    def feature_dict(self):
        """{"number_of_ips": {"limit": 16}, "rescans": {"enabled": True, "limit": 3}} (features prefetched)."""
        return {f.name: f.as_dict() for f in self.features.all()}


class PlanFeature(models.Model):
    """One limit of a plan. `limit` empty = unlimited; `enabled` off = not available."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="features")
    name = models.SlugField(max_length=64)
    limit = models.PositiveIntegerField(null=True, blank=True)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ("name",)
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="unique_plan_feature")]

    def __str__(self):
        return self.name

    def as_dict(self):
        return {"enabled": self.enabled, "limit": self.limit}


class Subscription(TimestampedModel):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTHLY)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    auto_renewal = models.BooleanField(default=False)
    cancellation_reason = models.TextField(blank=True, default="")
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    trial_enabled = models.BooleanField(default=False)
    trial_duration_days = models.PositiveIntegerField(default=0)
    features = models.JSONField(default=dict, blank=True, help_text="The effective limits of this subscription.")

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "product"], condition=models.Q(status__in=LIVE_STATUSES),
                name="one_live_subscription_per_product",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["status", "end_date"]),
        ]

    def __str__(self):
        return f"{self.organization} · {self.plan} ({self.status})"

    @property
    def live(self):
        return self.status in LIVE_STATUSES

    def limit_of(self, feature):
        """(enabled, limit) of a feature; a feature the subscription does not list is unavailable."""
        value = self.features.get(feature)
        if value is None:
            return False, 0
        return value.get("enabled", True), value.get("limit")

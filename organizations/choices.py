from django.db import models


class PlanKind(models.TextChoices):
    NORMAL = "normal"
    OPEN = "open"  # limits come from the subscription request, capped by the parent partner's


class PlanAudience(models.TextChoices):
    """Who may subscribe to a plan: partner organizations, customer organizations, or both."""

    PARTNERS = "partners"
    CUSTOMERS = "customers"
    BOTH = "both"


class Interval(models.TextChoices):
    NONE = "none"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class SubscriptionStatus(models.TextChoices):
    TRIAL = "trial"
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"


LIVE_STATUSES = (SubscriptionStatus.TRIAL, SubscriptionStatus.ACTIVE)

# Features every plan knows; plans may carry more (extensible by data).
FEATURE_NAMES = ("number_of_ips", "number_of_scanners", "concurrent_scans", "rescans")

from .organization import Organization
from .subscription import Plan, PlanFeature, Product, Subscription

__all__ = ["Organization", "Plan", "PlanFeature", "Product", "Subscription"]

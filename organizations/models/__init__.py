from .organization import Organization
from .subscription import Plan, PlanFeature, Product, Subscription
from .tree import OrganizationLink

__all__ = ["Organization", "OrganizationLink", "Plan", "PlanFeature", "Product", "Subscription"]

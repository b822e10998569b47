"""The plan catalogue the subscription tests share: the demo catalogue of
organizations.catalogue (pci-standard and vrms-standard are the defaults, pci-open is open,
pci-partner is the partners' plan), plus subscriptions for the `world` organizations."""

import pytest

from organizations.catalogue import seed_catalogue
from organizations.models import Plan
from organizations.services.subscriptions import PlanRequest, subscribe


@pytest.fixture
def catalogue(db):
    """{plan code: Plan} of the seeded demo catalogue."""
    seed_catalogue()
    return {plan.code: plan for plan in Plan.objects.select_related("product").prefetch_related("features")}


def give(organization, plan, **fields):
    """A subscription made by the service (no actor: as staff or the demo seeding would)."""
    return subscribe(None, organization, PlanRequest(plan=plan, **fields))


@pytest.fixture
def subscribed(world, catalogue):
    """The partner holds pci-partner (1024 IPs) and vrms-standard; its customer pci-standard
    (16 IPs); the unrelated organization pci-standard too."""
    return {
        "partner_pci": give(world.partner_org, catalogue["pci-partner"]),
        "partner_vrms": give(world.partner_org, catalogue["vrms-standard"]),
        "customer_pci": give(world.customer, catalogue["pci-standard"]),
        "other_pci": give(world.other_org, catalogue["pci-standard"]),
    }

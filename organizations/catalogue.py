"""The demo plan catalogue (seeded by `seed_demo`, not by migrations: operators define their own)."""

from importlib import import_module

from django.apps import apps

from organizations.models import Plan, PlanFeature, Product

DEMO_PLANS = (
    # code, product, name, kind, default, price, features
    ("pci-standard", "pci", "PCI Standard", "normal", True, "49.00",
     {"number_of_ips": 16, "number_of_scanners": 1, "concurrent_scans": 2, "rescans": 3}),
    ("pci-open", "pci", "PCI Open (limits per subscription)", "open", False, "0.00",
     {"number_of_ips": 16, "number_of_scanners": 1, "concurrent_scans": 1, "rescans": 3}),
    ("pci-partner", "pci", "PCI Partner", "normal", False, "499.00",
     {"number_of_ips": 1024, "number_of_scanners": 10, "concurrent_scans": 10, "rescans": 100}),
    ("vrms-standard", "vrms", "VRMS Standard", "normal", True, "99.00",
     {"number_of_ips": 64, "number_of_scanners": 2, "concurrent_scans": 4, "rescans": None}),
    ("pentest-basic", "pentest", "Pentest Basic", "normal", False, "1500.00",
     {"number_of_ips": 8, "number_of_scanners": 1, "concurrent_scans": 1, "rescans": 1}),
)


# Who may subscribe (the rest: both partners and customers).
DEMO_AUDIENCES = {"pci-partner": "partners", "pci-open": "customers"}


def ensure_products():
    """The products migration 0003 seeds, again if they are missing (a flushed database)."""
    import_module("organizations.migrations.0003_seed_products").seed(apps, None)


def seed_catalogue():
    ensure_products()
    products = {p.code: p for p in Product.objects.all()}
    for code, product, name, kind, default, price, features in DEMO_PLANS:
        plan, created = Plan.objects.get_or_create(
            code=code,
            defaults={"product": products[product], "name": name, "kind": kind, "default": default, "price": price,
                      "audience": DEMO_AUDIENCES.get(code, "both")},
        )
        if created:
            PlanFeature.objects.bulk_create(
                PlanFeature(plan=plan, name=feature, limit=limit) for feature, limit in features.items()
            )

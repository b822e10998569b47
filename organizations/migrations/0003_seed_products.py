from django.db import migrations

PRODUCTS = (
    ("pci", "PCI ASV Scanning", "Quarterly external vulnerability scans for PCI DSS (ASV programme).", 1),
    ("vrms", "Vulnerability & Risk Management", "Continuous internal and external vulnerability management.", 2),
    ("pentest", "Penetration Testing", "Managed penetration-testing engagements.", 3),
)


def seed(apps, schema_editor):
    Product = apps.get_model("organizations", "Product")
    for code, name, description, position in PRODUCTS:
        Product.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("organizations", "Product").objects.filter(code__in=[p[0] for p in PRODUCTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_subscriptions")]
    operations = [migrations.RunPython(seed, unseed)]

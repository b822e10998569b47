from django.db import migrations


def seed(apps, schema_editor):
    from scanning.builtins import sync_builtins

    sync_builtins(apps.get_model("scanning", "PortList"), apps.get_model("scanning", "Scanner"),
                  apps.get_model("scanning", "ScanProfile"))


class Migration(migrations.Migration):
    dependencies = [("scanning", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""GET /v2/vulnerabilities counts an organization's findings above the QoD floor on every request
when no shared count cache is configured (findings/services/list_counts.py), as in the embedded
SQLite setup: without an index holding `qod` that count read the whole table. On SQLite a covering
index (organization, product, qod) turns it into a range count of the index. PostgreSQL deployments
run with the Redis count cache and pay for every index on every ingested finding, so none there."""

from django.db import migrations

INDEX = "finding_qod_count"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "findings_finding" ("organization_id", "product", "qod")'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("findings", "0007_sightings")]

    operations = [migrations.RunPython(create, drop)]

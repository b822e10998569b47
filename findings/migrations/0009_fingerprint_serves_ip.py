"""Fewer index entries per finding and per result (issue #10/#11 ingestion speed): each secondary
index costs every inserted row ~1-1.5 us.

- The fingerprint unique indexes put the ip right after the organization and product (findings)
  or the run (results): they then also serve every lookup by address, and the (organization,
  product, ip) and (run, ip) indexes go.
- A run's results are listed in order from a partial index (qod >= 70, what every list and report
  of a run's results asks for at least) instead of (run, severity): the unique index must be the
  only one that starts with the run whose conditions a fingerprint lookup can meet (see
  Result.Meta), and results below the default QoD pay no entry.
- A result's scan has no index any more: a scan's results are deleted with its runs (run
  CASCADE), so Result.scan is DO_NOTHING, and nothing else looks results up by scan alone.

On SQLite a changed unique constraint remakes the table, which drops the SQLite-only count index
of migration 0008 with the old table: it is created again afterwards (and before, when reverting).
On PostgreSQL the constraints are dropped and added in place; migration 0007's expression indexes
stay as they are. Existing rows are copied (SQLite) or kept (PostgreSQL) as they are: they are
already unique, whatever the order of the columns."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

count_index = importlib.import_module("findings.migrations.0008_sqlite_count_index")


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0008_sqlite_count_index'),
        ('scanning', '0003_run_slots_and_target_address_space'),
    ]

    operations = [
        migrations.RunPython(noop, count_index.create),  # reverting: after the table remake below
        migrations.RemoveConstraint(
            model_name='finding',
            name='finding_unique_fingerprint',
        ),
        migrations.RemoveConstraint(
            model_name='result',
            name='result_unique_per_run',
        ),
        migrations.RemoveIndex(
            model_name='finding',
            name='findings_fi_organiz_fd6183_idx',
        ),
        migrations.RemoveIndex(
            model_name='result',
            name='findings_re_run_id_2fe5b3_idx',
        ),
        migrations.RemoveIndex(
            model_name='result',
            name='findings_re_run_id_428070_idx',
        ),
        migrations.AlterField(
            model_name='result',
            name='scan',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='scanning.scan'),
        ),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.UniqueConstraint(fields=('organization', 'product', 'ip', 'nvt', 'port', 'protocol'), name='finding_unique_fingerprint'),
        ),
        migrations.AddConstraint(
            model_name='result',
            constraint=models.UniqueConstraint(fields=('run', 'ip', 'nvt', 'port', 'protocol'), name='result_unique_per_run'),
        ),
        migrations.AddIndex(
            model_name='result',
            index=models.Index(condition=models.Q(('qod__gte', 70)), fields=['run', '-severity'], name='result_counted_order'),
        ),
        migrations.RunPython(count_index.create, noop),
    ]

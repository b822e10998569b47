"""q[severity_level] reads the severity order's index as a severity range
(findings.choices.severity_range): the per-level index cost every finding's insert and rewrite."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0009_fingerprint_serves_ip'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='finding',
            name='finding_level_order',
        ),
    ]

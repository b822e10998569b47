from django.conf import settings
from django.db import models

from config.api.models import TimestampedModel
from reports.choices import GroupBy, ReportFormat, ReportType


class AdvancedReport(TimestampedModel):
    """A saved report definition over many scans: filters, grouping, default format and type."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=32)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    # {scan_ids, target_ids, date_range_start, date_range_end, relative_date_range, severity_levels, include_excepted}
    filters = models.JSONField(default=dict, blank=True)
    group_by = models.CharField(max_length=16, choices=GroupBy.choices, default=GroupBy.HOST)
    format = models.CharField(max_length=8, choices=ReportFormat.choices, default=ReportFormat.PDF)
    type = models.CharField(max_length=20, choices=ReportType.choices, default=ReportType.DETAILED)
    last_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["organization", "product", "name"]),
            models.Index(fields=["organization", "product", "created_at"]),
        ]

    def __str__(self):
        return self.name

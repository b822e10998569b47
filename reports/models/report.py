from django.db import models

from config.api.models import TimestampedModel
from reports.choices import FileStatus, ReportFormat, ReportType


class Report(TimestampedModel):
    """The report record of one finished run (scanning.md "Reports"): created when the run is
    finalized (native or imported), with the run's figures; files are generated on request."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=32)
    scan = models.ForeignKey("scanning.Scan", on_delete=models.CASCADE, related_name="reports")
    run = models.OneToOneField("scanning.ScanRun", on_delete=models.CASCADE, related_name="report")
    status = models.CharField(max_length=16, default="done")  # the run's status when it was recorded
    pci_status = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001 - pass, fail or unknown
    severity_counts = models.JSONField(default=dict, blank=True)
    max_severity = models.FloatField(null=True, blank=True)
    host_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["organization", "product", "created_at"]),
            models.Index(fields=["organization", "product", "scan"]),
            models.Index(fields=["organization", "product", "pci_status"]),
        ]

    def __str__(self):
        return f"Report of {self.run}"


class ReportFile(TimestampedModel):
    """One generated file (format × type) of a report or an advanced report."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    advanced_report = models.ForeignKey("reports.AdvancedReport", null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="files")
    format = models.CharField(max_length=8, choices=ReportFormat.choices)
    type = models.CharField(max_length=20, choices=ReportType.choices)
    status = models.CharField(max_length=8, choices=FileStatus.choices, default=FileStatus.PENDING)
    error = models.TextField(blank=True, default="")
    file = models.FileField(upload_to="reports/%Y/%m/", max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    generated_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("format", "type")
        constraints = [
            models.UniqueConstraint(fields=["report", "format", "type"], name="reportfile_unique_per_report"),
            models.UniqueConstraint(fields=["advanced_report", "format", "type"], name="reportfile_unique_per_advanced"),
            models.CheckConstraint(condition=models.Q(report__isnull=False) | models.Q(advanced_report__isnull=False),
                                   name="reportfile_has_owner"),
        ]

    def __str__(self):
        return f"{self.type}.{self.format}"

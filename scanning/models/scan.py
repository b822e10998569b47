from django.conf import settings
from django.db import models

from config.api.models import TimestampedModel
from scanning.choices import AliveTest, Frequency, RunStatus


class OwnedModel(TimestampedModel):
    """Tenant-owned scanning resource: organization, product and creator."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=32, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class Target(OwnedModel):
    name = models.CharField(max_length=255)
    hosts = models.TextField()
    exclude_hosts = models.TextField(blank=True, default="")
    host_count = models.PositiveIntegerField(default=0)
    # {"ranges": [[first, last], ...] address keys as text, merged; "hostnames": [...]}: the plan's
    # number_of_ips usage is a union of these, no target is expanded again (services/targets.py)
    address_space = models.JSONField(default=dict, blank=True, editable=False)
    port_list = models.ForeignKey("scanning.PortList", on_delete=models.PROTECT, related_name="targets")
    alive_test = models.CharField(max_length=16, choices=AliveTest.choices, default=AliveTest.TCP_PING)
    comment = models.TextField(blank=True, default="")
    credentials_encrypted = models.TextField(blank=True, default="", editable=False)
    credentials_public = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["organization", "product", "name"]),
            models.Index(fields=["organization", "product", "created_at"]),
            models.Index(fields=["organization", "product", "host_count"]),
        ]

    def __str__(self):
        return self.name


class Schedule(OwnedModel):
    name = models.CharField(max_length=255)
    start_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, default="UTC")
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.ONCE)
    interval = models.PositiveIntegerField(default=1)
    by_weekday = models.JSONField(default=list, blank=True)
    by_monthday = models.JSONField(default=list, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="Maximum run length in minutes.")
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["organization", "product", "name"]),
            models.Index(fields=["organization", "product", "created_at"]),
        ]

    def __str__(self):
        return self.name


class Scan(OwnedModel):
    name = models.CharField(max_length=255)
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="scans")
    scan_profile = models.ForeignKey("scanning.ScanProfile", on_delete=models.PROTECT, related_name="scans")
    scanner = models.ForeignKey("scanning.Scanner", on_delete=models.PROTECT, related_name="scans")
    schedule = models.ForeignKey(Schedule, null=True, blank=True, on_delete=models.PROTECT, related_name="scans")
    comment = models.TextField(blank=True, default="")
    max_checks = models.PositiveIntegerField(default=4)
    max_hosts = models.PositiveIntegerField(default=20)
    # Denormalised from the latest run, so lists cost one query.
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.NEW)
    progress = models.PositiveSmallIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    run_count = models.PositiveIntegerField(default=0)
    last_history = models.ForeignKey("scanning.ScanRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    severity_counts = models.JSONField(default=dict, blank=True)
    max_severity = models.FloatField(null=True, blank=True)
    pci_status = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001 - pass, fail or none yet

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["organization", "product", "name"]),
            models.Index(fields=["organization", "product", "created_at"]),
            models.Index(fields=["organization", "product", "status"]),
            models.Index(fields=["organization", "product", "last_run_at"]),
            models.Index(fields=["organization", "product", "next_run_at"]),
            models.Index(fields=["next_run_at"]),
        ]

    def __str__(self):
        return self.name

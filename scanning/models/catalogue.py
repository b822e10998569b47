"""Port lists, scanners and scan profiles: built-in ones (no organization, `predefined`) and
an organization's own."""

from django.conf import settings
from django.db import models

from config.api.models import TimestampedModel
from scanning.choices import ScannerStatus, ScannerType


class PortList(TimestampedModel):
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="port_lists"
    )
    name = models.CharField(max_length=255)
    port_ranges = models.TextField(help_text="e.g. T:1-1024,8080,U:53,161 (bare ranges are TCP)")
    comment = models.TextField(blank=True, default="")
    predefined = models.BooleanField(default=False)
    tcp_count = models.PositiveIntegerField(default=0)
    udp_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("name",)
        indexes = [models.Index(fields=["organization", "name"]), models.Index(fields=["organization", "created_at"])]

    def __str__(self):
        return self.name


class Scanner(TimestampedModel):
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="scanners"
    )
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=16, choices=ScannerType.choices, default=ScannerType.BUILTIN)
    host = models.CharField(max_length=255, blank=True, default="")
    port = models.PositiveIntegerField(null=True, blank=True)
    ca_pub = models.TextField(blank=True, default="")
    credential_encrypted = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=16, choices=ScannerStatus.choices, default=ScannerStatus.UNKNOWN)
    version = models.CharField(max_length=64, blank=True, default="")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    predefined = models.BooleanField(default=False)
    queue_name = models.CharField(max_length=64, default="scans", help_text="Task queue its runs go to.")
    max_concurrent_scans = models.PositiveIntegerField(default=4)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("name",)
        indexes = [models.Index(fields=["organization", "name"]), models.Index(fields=["organization", "created_at"])]

    def __str__(self):
        return self.name


class ScanProfile(TimestampedModel):
    """A scan configuration (which check families run). Built-ins are read-only."""

    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True, default="")
    families = models.JSONField(default=list, blank=True)
    check_count = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    predefined = models.BooleanField(default=True)
    discovery_only = models.BooleanField(default=False)

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

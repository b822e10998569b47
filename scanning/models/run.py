from django.db import models

from config.api.models import TimestampedModel
from scanning.choices import RunStatus, TriggeredBy


class ScanRun(TimestampedModel):
    """One run of a scan ("scan history")."""

    scan = models.ForeignKey("scanning.Scan", on_delete=models.CASCADE, related_name="runs")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=32)
    scanner = models.ForeignKey("scanning.Scanner", null=True, on_delete=models.SET_NULL, related_name="runs")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.REQUESTED)
    stage = models.CharField(max_length=16, blank=True, default="")
    progress = models.PositiveSmallIntegerField(default=0)
    triggered_by = models.CharField(max_length=16, choices=TriggeredBy.choices, default=TriggeredBy.USER)
    queued_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, help_text="Handed to the task queue (it holds a concurrency slot).")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True, help_text="Stopped when still running past this time.")
    host_count = models.PositiveIntegerField(default=0)
    hosts_alive = models.PositiveIntegerField(default=0)
    severity_counts = models.JSONField(default=dict, blank=True)
    max_severity = models.FloatField(null=True, blank=True)
    pci_status = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001 - pass, fail or none yet
    delta = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    partial = models.BooleanField(default=False, help_text="Results are incomplete (stopped or interrupted).")
    worker = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["scan", "created_at"]),
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["status", "dispatched_at", "created_at"]),
        ]

    def __str__(self):
        return f"{self.scan} run {self.created_at:%Y-%m-%d %H:%M}"


class RunHost(TimestampedModel):
    """A host as one run saw it, with its open ports and services."""

    run = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="hosts")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    ip = models.GenericIPAddressField()
    hostname = models.CharField(max_length=255, blank=True, default="")
    alive = models.BooleanField(default=True)
    os = models.CharField(max_length=255, blank=True, default="")
    mac = models.CharField(max_length=32, blank=True, default="")
    ports = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("ip",)
        indexes = [models.Index(fields=["run", "ip"]), models.Index(fields=["organization", "ip"])]

    def __str__(self):
        return self.ip

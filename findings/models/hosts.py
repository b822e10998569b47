from django.db import models

from config.api.models import TimestampedModel


class Host(TimestampedModel):
    """The organization's host inventory: one row per address (per product), every host ever seen."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=32)
    ip = models.GenericIPAddressField()
    hostname = models.CharField(max_length=255, blank=True, default="")
    os = models.CharField(max_length=255, blank=True, default="")
    mac = models.CharField(max_length=32, blank=True, default="")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    ports = models.JSONField(default=list, blank=True)  # [{port, protocol, service, product, version, cpe}]
    vulnerability_count = models.PositiveIntegerField(default=0)  # open findings counted by default (qod >= 70)
    severity_counts = models.JSONField(default=dict, blank=True)
    max_severity = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ("ip",)
        constraints = [models.UniqueConstraint(fields=["organization", "product", "ip"], name="host_unique_ip")]
        indexes = [
            models.Index(fields=["organization", "product", "last_seen"]),
            models.Index(fields=["organization", "product", "max_severity"]),
            models.Index(fields=["organization", "product", "vulnerability_count"]),
        ]

    def __str__(self):
        return self.ip

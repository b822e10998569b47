from django.conf import settings
from django.db import models

from config.api.models import TimestampedModel


class FindingException(TimestampedModel):
    """An override (scanning.md "Exceptions"): for one check (nvt), either on hosts and/or a port
    in every scan, or only inside one scan, it replaces the severity of matching findings."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=32)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    nvt = models.CharField(max_length=128)
    hosts = models.JSONField(default=list, blank=True)  # addresses; [] = every host
    port = models.CharField(max_length=32, blank=True, default="")  # "443/tcp", "general/tcp"; "" = every port
    scan = models.ForeignKey("scanning.Scan", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    new_severity = models.FloatField(default=-1.0)  # -1 = false positive
    active = models.BooleanField(default=True)
    end_time = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)  # set by the expiry job
    affected_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["organization", "product", "nvt"]),
            models.Index(fields=["organization", "product", "created_at"]),
            models.Index(fields=["organization", "product", "end_time"]),
            models.Index(fields=["active", "end_time"]),
        ]

    def __str__(self):
        return f"{self.nvt}: {self.text[:40]}"

from django.db import models

from config.api.models import TimestampedModel
from findings.choices import SolutionType


class CheckInfo(TimestampedModel):
    """The catalogue text of one check (nvt) as an organization's findings show it: the built-in
    checks' text, or what an imported report said about its tool's check. Kept per organization
    so that an imported report can never rewrite what another tenant (or a built-in check) says."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    nvt = models.CharField(max_length=128)
    source = models.CharField(max_length=16, default="builtin")  # builtin | version_match | gvm | nessus | nmap
    name = models.CharField(max_length=512)
    family = models.CharField(max_length=64, blank=True, default="")
    cvss_vector = models.CharField(max_length=255, blank=True, default="")
    severity = models.FloatField(default=0.0)  # the check's base score (a finding may differ: version matches)
    qod = models.PositiveSmallIntegerField(default=70)
    summary = models.TextField(blank=True, default="")
    insight = models.TextField(blank=True, default="")
    affected = models.TextField(blank=True, default="")
    impact = models.TextField(blank=True, default="")
    solution = models.TextField(blank=True, default="")
    solution_type = models.CharField(max_length=16, choices=SolutionType.choices, blank=True, default="")
    cves = models.JSONField(default=list, blank=True)
    references = models.JSONField(default=list, blank=True)
    pci_fail = models.BooleanField(default=False)

    class Meta:
        ordering = ("nvt",)
        constraints = [models.UniqueConstraint(fields=["organization", "nvt"], name="checkinfo_unique_nvt")]
        indexes = [models.Index(fields=["organization", "name"])]

    def __str__(self):
        return f"{self.nvt} {self.name}"

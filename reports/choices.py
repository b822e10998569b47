from django.db import models


class ReportFormat(models.TextChoices):
    PDF = "pdf"
    HTML = "html"
    CSV = "csv"
    JSON = "json"
    XML = "xml"


class ReportType(models.TextChoices):
    EXECUTIVE = "executive"
    DETAILED = "detailed"
    REMEDIATION = "remediation"
    PCI_ATTESTATION = "pci_attestation"


class FileStatus(models.TextChoices):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class GroupBy(models.TextChoices):
    HOST = "host"
    VULNERABILITY = "vulnerability"


CONTENT_TYPES = {
    "pdf": "application/pdf", "html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
    "json": "application/json", "xml": "application/xml",
}

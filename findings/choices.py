from django.db import models


class SeverityLevel(models.TextChoices):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    LOG = "log"
    FALSE_POSITIVE = "false_positive"


class FindingStatus(models.TextChoices):
    NEW = "new"
    OPEN = "open"
    FIXED = "fixed"
    REOPENED = "reopened"


class Delta(models.TextChoices):
    """A run's result against the previous finished run of the same scan."""

    NEW = "new"
    PERSISTING = "persisting"
    REOPENED = "reopened"


class SolutionType(models.TextChoices):
    VENDOR_FIX = "VendorFix"
    WORKAROUND = "Workaround"
    MITIGATION = "Mitigation"
    WILL_NOT_FIX = "WillNotFix"
    NONE_AVAILABLE = "NoneAvailable"


class PciStatus(models.TextChoices):
    PASS = "pass"
    FAIL = "fail"


def severity_range(level: str) -> dict | None:
    """The severities of a level (severity_level's rules, so exact), as filter() kwargs: lists
    filter levels by severity range, which the severity order's index serves (no index of its own
    per level). None for a value that is no level."""
    return {SeverityLevel.HIGH: {"severity__gte": 7.0},
            SeverityLevel.MEDIUM: {"severity__gte": 4.0, "severity__lt": 7.0},
            SeverityLevel.LOW: {"severity__gt": 0.0, "severity__lt": 4.0},
            SeverityLevel.LOG: {"severity": 0.0},
            SeverityLevel.FALSE_POSITIVE: {"severity__lt": 0.0}}.get(level)


def severity_level(severity) -> str:
    """scanning.md: high >= 7.0, medium >= 4.0, low > 0.0, log = 0.0, -1 only by an exception."""
    if severity is None:
        return SeverityLevel.LOG
    if severity < 0:
        return SeverityLevel.FALSE_POSITIVE
    if severity >= 7.0:
        return SeverityLevel.HIGH
    if severity >= 4.0:
        return SeverityLevel.MEDIUM
    if severity > 0.0:
        return SeverityLevel.LOW
    return SeverityLevel.LOG

"""Exceptions applied to what is already stored, in bulk (scanning.md "Exceptions"): after an
exception is created, changed, switched on or off, expires or is deleted, the current findings
and the results of each scan's latest run for its check get their severity again from the
exceptions in force, then the counts and verdicts of those runs, their scans and the hosts follow.

Per check: one UPDATE puts back the original severity, one UPDATE per exception in force applies
it (oldest first, so the newest wins where several match, as when results are stored)."""

from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Cast, Upper
from django.utils import timezone

from findings.choices import SeverityLevel, severity_level
from findings.models import Finding, FindingException, Result
from scanning.choices import RunStatus
from scanning.models import Scan, ScanRun

from .counts import refresh_hosts, run_summaries, save_run_numbers
from .finalize import refresh_exception_counts
from .list_counts import findings_changed
from .matching import in_force, scope_filter


def level_of(field):
    """The severity level of a severity column, in SQL (choices.severity_level in Python)."""
    return Case(
        When(**{f"{field}__lt": 0}, then=Value(SeverityLevel.FALSE_POSITIVE)),
        When(**{f"{field}__gte": 7.0}, then=Value(SeverityLevel.HIGH)),
        When(**{f"{field}__gte": 4.0}, then=Value(SeverityLevel.MEDIUM)),
        When(**{f"{field}__gt": 0.0}, then=Value(SeverityLevel.LOW)),
        default=Value(SeverityLevel.LOG),
    )


def latest_runs(organization_id, product):
    return Scan.objects.filter(organization_id=organization_id, product=product, last_history__isnull=False).values(
        "last_history_id")


def reevaluate(organization_id, product, nvts, now=None):
    """Re-apply the exceptions of these checks to stored rows, then recount what they touch."""
    now = now or timezone.now()
    nvts = {nvt for nvt in nvts if nvt}
    if not nvts:
        return
    findings = of_checks(Finding.objects.filter(organization_id=organization_id, product=product, nvt__in=nvts), nvts)
    results = Result.objects.filter(organization_id=organization_id, product=product, nvt__in=nvts,
                                    run_id__in=latest_runs(organization_id, product))
    for rows in (findings, results):
        rows.filter(Q(exception__isnull=False) | ~Q(severity=F("original_severity"))).update(
            severity=F("original_severity"), severity_level=level_of("original_severity"), exception=None,
            updated_at=now, **content_changed(rows),
        )
    exceptions = FindingException.objects.filter(in_force(now), organization_id=organization_id, product=product,
                                                 nvt__in=nvts).order_by("created_at")
    for exception in exceptions:
        for rows in (findings, results):
            rows.filter(scope_filter(exception)).update(
                severity=exception.new_severity, severity_level=severity_level(exception.new_severity),
                exception=exception, updated_at=now, **content_changed(rows),
            )
    findings_changed(organization_id)  # after the writes: outside a transaction it acts at once
    recount(organization_id, product, findings, results)


def of_checks(findings, nvts):
    """The findings of these checks, also matched on UPPER(nvt) (the same rows): on PostgreSQL
    that is the index the lists' case-insensitive q[nvt] reads (migration 0007), and the only one
    whose columns after (organization, product) start with the nvt since the fingerprint's unique
    index leads with the ip (migration 0009); without it, re-evaluating one check read every
    finding of the organization."""
    return findings.alias(upper_nvt=Upper(Cast("nvt", TextField()))).filter(
        upper_nvt__in=[Upper(Cast(Value(nvt), TextField())) for nvt in sorted(nvts)])


def content_changed(rows):
    """A finding whose content is changed here no longer matches its `content_hash`: 0 makes the
    next run that sees it write it whole (ingest_findings.finding_rows)."""
    return {"content_hash": 0} if rows.model is Finding else {}


def recount(organization_id, product, findings, results):
    run_ids = set(results.values_list("run_id", flat=True).distinct())
    runs = list(ScanRun.objects.filter(pk__in=run_ids).only("id", "scan_id", "status", "delta", "pci_status"))
    save_run_numbers(runs, run_summaries(run_ids), complete_ids={r.pk for r in runs if r.status == RunStatus.DONE})
    refresh_hosts(findings.values_list("host_id", flat=True).distinct())
    refresh_exception_counts(organization_id, product)

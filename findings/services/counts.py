"""Severity counts, maximum severity, new/persisting counts and the PCI verdict of runs, and the
counts of hosts, each computed by one aggregate query for any number of runs or hosts.

What counts (scanning.md): results and findings with `qod` >= 70 (the default filter, as
Greenbone's), with the severity after exceptions; a false positive (-1) counts in no level.
PCI verdict: `fail` when a counted result has severity >= 4.0, or is marked `pci_fail` and no
exception covers it; otherwise `pass`."""

from django.db.models import Count, Max, Q

from findings.choices import Delta, FindingStatus, PciStatus, SeverityLevel
from findings.models import Finding, Host, Result
from scanning.models import Scan, ScanRun

from .bulk import fetched, json_value, update_rows

DEFAULT_MIN_QOD = 70
LEVELS = (SeverityLevel.HIGH, SeverityLevel.MEDIUM, SeverityLevel.LOW, SeverityLevel.LOG)
FAILING = Q(severity__gte=4.0) | Q(pci_fail=True, exception__isnull=True)


def empty_counts():
    return {str(level): 0 for level in LEVELS} | {"false_positive": 0}


def level_counts(prefix=""):
    """Count(...) annotations per severity level, for results or findings."""
    return {
        str(level): Count("id", filter=Q(**{f"{prefix}severity_level": level}))
        for level in (*LEVELS, SeverityLevel.FALSE_POSITIVE)
    }


def run_summaries(run_ids):
    """{run id: {severity_counts, max_severity, failing, new, persisting}} in one query."""
    rows = (
        Result.objects.filter(run_id__in=run_ids, qod__gte=DEFAULT_MIN_QOD).values("run_id").order_by()
        .annotate(
            **level_counts(),
            max_severity=Max("severity", filter=Q(severity__gte=0)),
            failing=Count("id", filter=FAILING),
            new=Count("id", filter=Q(severity__gte=0, delta__in=(Delta.NEW, Delta.REOPENED))),
            persisting=Count("id", filter=Q(severity__gte=0, delta=Delta.PERSISTING)),
        )
    )
    summaries = {run_id: summary_of({}) for run_id in run_ids}
    for row in rows:
        summaries[row["run_id"]] = summary_of(row)
    return summaries


def summary_of(row):
    counts = empty_counts()
    counts.update({key: row.get(key, 0) for key in counts})
    return {"severity_counts": counts, "max_severity": row.get("max_severity"), "failing": row.get("failing", 0),
            "new": row.get("new", 0), "persisting": row.get("persisting", 0)}


def verdict(summary):
    return PciStatus.FAIL if summary["failing"] else PciStatus.PASS


def save_run_numbers(runs, summaries, complete_ids):
    """Write counts (and, for complete runs, verdict and delta) to runs and to the scans whose
    latest run they are, in three queries whatever the number of runs. `runs`: ScanRun objects
    with their current `delta` and `pci_status`."""
    for run in runs:
        summary = summaries[run.pk]
        run.severity_counts, run.max_severity = summary["severity_counts"], summary["max_severity"]
        if run.pk in complete_ids:
            run.pci_status = verdict(summary)
            run.delta = {"new": summary["new"], "fixed": (run.delta or {}).get("fixed", 0),
                         "persisting": summary["persisting"]}
    ScanRun.objects.bulk_update(runs, ["severity_counts", "max_severity", "pci_status", "delta"], batch_size=500)
    by_id = {run.pk: run for run in runs}
    scans = list(Scan.objects.filter(last_history_id__in=by_id).only("id", "last_history_id"))
    for scan in scans:
        latest = by_id[scan.last_history_id]
        scan.severity_counts, scan.max_severity, scan.pci_status = latest.severity_counts, latest.max_severity, latest.pci_status
    Scan.objects.bulk_update(scans, ["severity_counts", "max_severity", "pci_status"], batch_size=500)


def refresh_hosts(host_ids):
    """vulnerability_count, severity_counts and max_severity of hosts from their current
    (not fixed, counted) findings: their stored numbers and one aggregate query, then one bulk
    update of the hosts whose numbers change (a host row carries its ports: most runs change
    the numbers of few hosts, and rewriting the others cost more than reading them)."""
    stored = {pk: (count, counts, highest) for pk, count, counts, highest in fetched(
        Host.objects.filter(id__in=host_ids).values_list("id", "vulnerability_count", "severity_counts", "max_severity"))}
    if not stored:
        return
    rows = (
        Finding.objects.filter(host_id__in=host_ids, qod__gte=DEFAULT_MIN_QOD).exclude(status=FindingStatus.FIXED)
        .values("host_id").order_by().annotate(**level_counts(), max_severity=Max("severity", filter=Q(severity__gte=0)))
    )
    found = {row["host_id"]: row for row in rows}
    rows = []
    for host_id, (count, counts, highest) in stored.items():
        row = found.get(host_id, {})
        fresh = {str(level): row.get(str(level), 0) for level in LEVELS}
        numbers = (sum(fresh.values()), fresh, row.get("max_severity"))
        if numbers != (count, json_value(counts), highest):
            rows.append((host_id, *numbers))
    update_rows(Host, ("id", "vulnerability_count", "severity_counts", "max_severity"), rows)

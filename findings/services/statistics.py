"""Read-side figures over findings and results: severity counts, per-host counts, the most
frequent checks, PCI verdicts per target, a run's statistics and the exceptions' figures.
Each function is one aggregate query (or a fixed few), whatever the number of rows.

Counted findings are those at or above `min_qod` (default 70) that are not fixed; a false
positive (severity -1, set by an exception) is never counted as a vulnerability."""

from django.db.models import Count, Max, Q
from django.utils import timezone

from findings.choices import FindingStatus, PciStatus, SeverityLevel

DEFAULT_MIN_QOD = 70  # Greenbone's default filter (scanning.md "Quality of detection")
LEVELS = (SeverityLevel.HIGH, SeverityLevel.MEDIUM, SeverityLevel.LOW, SeverityLevel.LOG)
PCI_SEVERITY = 4.0
REAL = Q(severity__gte=0)  # not a false positive


def empty_counts():
    """A host's severity counts (as the inventory stores them)."""
    return {str(level): 0 for level in LEVELS}


def counted(queryset, min_qod):
    """Findings (or results) at or above `min_qod`."""
    return queryset.filter(qod__gte=min_qod)


def open_findings(queryset, min_qod):
    """Current findings that count: at or above `min_qod`, not fixed."""
    return counted(queryset, min_qod).exclude(status=FindingStatus.FIXED)


def level_counts(queryset) -> dict:
    """{high, medium, low, log, false_positive} over `queryset`, in one query (the shape of a
    run's and a scan's severity_counts)."""
    keys = [*LEVELS, SeverityLevel.FALSE_POSITIVE]
    totals = queryset.aggregate(**{str(level): Count("pk", filter=Q(severity_level=level)) for level in keys})
    return {str(level): totals[str(level)] or 0 for level in keys}


def counts_by(queryset, key) -> dict:
    """{value of `key`: {vulnerability_count, severity_counts, max_severity}} in one query; false
    positives count nowhere."""
    figures = {}
    rows = queryset.filter(REAL).order_by().values(key, "severity_level").annotate(n=Count("pk"), top=Max("severity"))
    for row in rows:
        entry = figures.setdefault(row[key], {"vulnerability_count": 0, "severity_counts": empty_counts(),
                                              "max_severity": None})
        entry["vulnerability_count"] += row["n"]
        if row["severity_level"] in entry["severity_counts"]:
            entry["severity_counts"][row["severity_level"]] += row["n"]
        if entry["max_severity"] is None or row["top"] > entry["max_severity"]:
            entry["max_severity"] = row["top"]
    return figures


def top_checks(queryset, limit) -> list[dict]:
    """The checks that hit most often: [{nvt, name, severity, severity_level, count, hosts}]."""
    rows = (
        queryset.filter(REAL).order_by().values("nvt", "name")
        .annotate(count=Count("pk"), hosts=Count("ip", distinct=True), severity=Max("severity"))
        .order_by("-count", "-severity", "nvt")[:limit]
    )
    from findings.choices import severity_level

    return [{"nvt": r["nvt"], "name": r["name"], "severity": r["severity"],
             "severity_level": severity_level(r["severity"]), "count": r["count"], "hosts": r["hosts"]} for r in rows]


def failing(queryset):
    """scanning.md: a finding fails PCI with severity >= 4.0 (after exceptions), or when its check
    is an automatic failure and no exception covers it."""
    return queryset.filter(Q(severity__gte=PCI_SEVERITY) | Q(pci_fail=True, exception__isnull=True))


def verdict(failures, scanned) -> str | None:
    if failures:
        return PciStatus.FAIL.value
    return PciStatus.PASS.value if scanned else None


def pci_by_target(findings, scans) -> dict:
    """The PCI widget: a verdict per target of `scans` (fail when one of its scans' verdict fails,
    as the scan shows it, or a current finding of one of its scans fails; pass once one of its
    scans has finished a run) and overall. A finding belongs to the last scan that saw it, so the
    scans' own verdicts keep a target failing when another target's scan took its findings over."""
    targets = {}
    for scan in scans.order_by().values("target_id", "target__name", "last_run_at", "pci_status"):
        entry = targets.setdefault(scan["target_id"], {"id": str(scan["target_id"]), "name": scan["target__name"],
                                                       "scanned": False, "failures": 0, "scan_fails": False})
        entry["scanned"] |= scan["last_run_at"] is not None or scan["pci_status"] is not None
        entry["scan_fails"] |= scan["pci_status"] == PciStatus.FAIL
    rows = failing(findings).order_by().values("scan__target_id").annotate(n=Count("pk"))
    for row in rows:
        if row["scan__target_id"] in targets:
            targets[row["scan__target_id"]]["failures"] = row["n"]
    listed = [{"id": t["id"], "name": t["name"], "pci_status": verdict(t["failures"] or t["scan_fails"], t["scanned"]),
               "failing_findings": t["failures"]} for t in targets.values()]
    listed.sort(key=lambda t: (t["name"], t["id"]))
    statuses = {t["pci_status"] for t in listed}
    overall = "fail" if "fail" in statuses else ("pass" if "pass" in statuses else None)
    return {"pci_status": overall, "targets": listed,
            "counts": {"pass": sum(t["pci_status"] == "pass" for t in listed),
                       "fail": sum(t["pci_status"] == "fail" for t in listed),
                       "none": sum(t["pci_status"] is None for t in listed)}}


def run_statistics(run, previous, results, min_qod) -> dict:
    """GET /v2/scans/{id}/statistics: one run's counts by level and by host, its delta against
    the previous complete run and its verdict, over the results at or above `min_qod`. At the
    default QoD the delta and verdict are the ones the run stored when it finished (what its
    scan_history shows); with another `min_qod` they are worked out here by the same rules."""
    shown = counted(results, min_qod)
    by_host = counts_by(shown, "ip")
    stored = min_qod == DEFAULT_MIN_QOD and bool(run.delta) and run.pci_status is not None
    return {
        "history_id": str(run.pk), "previous_history_id": str(previous.pk) if previous else None,
        "min_qod": min_qod, "severity_counts": level_counts(shown),
        "vulnerability_count": sum(h["vulnerability_count"] for h in by_host.values()),
        "max_severity": max((h["max_severity"] for h in by_host.values()), default=None),
        "by_host": [{"ip": ip, **figures} for ip, figures in sorted(by_host.items(), key=lambda item: item[0])],
        "delta": dict(run.delta) if stored else run_delta(run, previous, shown, min_qod),
        "pci_status": run.pci_status if stored else verdict(failing(shown).exists(), True),
    }


def run_delta(run, previous, shown, min_qod):
    """New, fixed and persisting fingerprints against `previous`; a fingerprint on a host that
    was down in `run` is not fixed."""
    current = set(shown.filter(REAL).values_list("nvt", "ip", "port", "protocol"))
    if previous is None:
        return {"new": len(current), "fixed": 0, "persisting": 0}
    alive = set(run.hosts.filter(alive=True).values_list("ip", flat=True))
    before = counted(previous.results.filter(REAL), min_qod).values_list("nvt", "ip", "port", "protocol")
    before = {key for key in before if key[1] in alive}
    return {"new": len(current - before), "fixed": len(before - current), "persisting": len(current & before)}


def exception_statistics(exceptions, findings) -> dict:
    """Active, inactive and expired exceptions, and the current findings they change."""
    now = timezone.now()
    expired = Q(expired_at__isnull=False) | Q(end_time__lte=now)
    # Aggregate aliases may not reuse a field's name (`active`).
    totals = exceptions.aggregate(
        n_total=Count("pk"), n_expired=Count("pk", filter=expired),
        n_active=Count("pk", filter=Q(active=True) & ~expired), n_inactive=Count("pk", filter=Q(active=False) & ~expired),
    )
    totals = {name.removeprefix("n_"): value for name, value in totals.items()}
    affected = findings.filter(exception__in=exceptions.values("pk")).exclude(status=FindingStatus.FIXED)
    return {**totals, "findings_affected": affected.count(),
            "false_positives": affected.filter(severity_level=SeverityLevel.FALSE_POSITIVE).count()}

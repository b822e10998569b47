"""What a finished run's events carry (events.md): `scan_completed` has the run's severity counts,
maximum severity, PCI verdict and delta; `vulnerability_new` (one per complete run, only when it
found something new) lists the new counted findings."""

from django.db.models import Q

from findings.choices import Delta
from findings.models import Result

from .counts import DEFAULT_MIN_QOD

MAX_LISTED = 1000  # a webhook body stays small; `total` says how many there were


def run_data(run, error=""):
    return {
        "run_id": str(run.pk), "history_id": str(run.pk), "error": error or None,  # as scan_history shows it
        "severity_counts": run.severity_counts or {}, "max_severity": run.max_severity,
        "pci_status": run.pci_status, "delta": run.delta or {"new": 0, "fixed": 0, "persisting": 0},
        "partial": run.status != "done",
    }


def new_results(run):
    return (Result.objects.filter(run_id=run.pk, qod__gte=DEFAULT_MIN_QOD, severity__gte=0)
            .filter(Q(delta=Delta.NEW) | Q(delta=Delta.REOPENED)))


def new_vulnerabilities(run, scan):
    """The `vulnerability_new` data of a run, or None when it found nothing new."""
    rows = list(new_results(run).order_by("-severity", "nvt", "ip")
                .values("finding_id", "name", "nvt", "ip", "port", "protocol", "severity", "severity_level")[:MAX_LISTED])
    if not rows:
        return None
    total = len(rows) if len(rows) < MAX_LISTED else new_results(run).count()
    return {
        "scan": {"id": str(scan.pk), "name": scan.name}, "history_id": str(run.pk), "total": total,
        "vulnerabilities": [
            {"id": str(row["finding_id"]), "name": row["name"], "nvt": row["nvt"], "host": row["ip"],
             "port": f"{row['port']}/{row['protocol']}" if row["port"] else f"general/{row['protocol']}",
             "severity": row["severity"], "severity_level": row["severity_level"]}
            for row in rows
        ],
    }

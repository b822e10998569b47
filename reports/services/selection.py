"""Which results a report shows: one run's (a run report) or, for an advanced report, the latest
finished run of every selected scan within the date range. Counted like every other view
(scanning.md): QoD >= 70; findings an exception marks as false positives are listed apart."""

from django.db.models import Max

from config.api.errors import InvalidInput
from config.api.filtering import parse_date_range
from findings.choices import SeverityLevel
from findings.models import Result
from scanning.choices import RunStatus
from scanning.models import Scan, ScanRun

MIN_QOD = 70
LEVELS = ("high", "medium", "low", "log")
RESULT_FIELDS = (
    "id", "nvt", "name", "ip", "hostname", "port", "protocol", "severity", "original_severity", "severity_level",
    "cvss_vector", "qod", "detection", "pci_fail", "exception_id", "exception__text", "check_info__name",
    "check_info__family", "check_info__summary", "check_info__insight", "check_info__affected", "check_info__impact",
    "check_info__solution", "check_info__solution_type", "check_info__cves", "check_info__references", "scan__name",
    "run_id",
)


def run_results(run):
    return Result.objects.filter(run=run, qod__gte=MIN_QOD)


def advanced_runs(report):
    """The latest finished run of each scan the filters select, within the date range."""
    filters = report.filters or {}
    scans = Scan.objects.filter(organization_id=report.organization_id, product=report.product)
    if filters.get("scan_ids"):
        scans = scans.filter(pk__in=filters["scan_ids"])
    if filters.get("target_ids"):
        scans = scans.filter(target_id__in=filters["target_ids"])
    runs = ScanRun.objects.filter(scan__in=scans, status=RunStatus.DONE)
    start, end = date_window(filters)
    if start:
        runs = runs.filter(finished_at__gte=start)
    if end:
        runs = runs.filter(finished_at__lte=end)
    latest = runs.values("scan_id").annotate(last=Max("finished_at")).values("last")
    return runs.filter(finished_at__in=latest).order_by("scan_id", "-finished_at").distinct()


def advanced_results(report):
    filters = report.filters or {}
    results = Result.objects.filter(run__in=advanced_runs(report).values("pk"), qod__gte=MIN_QOD)
    levels = filters.get("severity_levels") or []
    if levels:
        allowed = list(levels) + ([SeverityLevel.FALSE_POSITIVE] if filters.get("include_excepted") else [])
        results = results.filter(severity_level__in=allowed)
    if not filters.get("include_excepted"):
        results = results.filter(exception__isnull=True)
    return results


def date_window(filters):
    """(start, end) of the filters' date range; the same forms as every list's date parameters."""
    query = {k: str(filters[k]) for k in ("date_range_start", "date_range_end", "relative_date_range") if filters.get(k)}
    return tuple(parse_date_range(query)) if query else (None, None)


def rows(results, order):
    """The results as plain dicts, read in chunks (constant memory whatever their number)."""
    return results.select_related(None).order_by(*order).values(*RESULT_FIELDS).iterator(chunk_size=2000)


def validate_filters(filters, organization_id, product):
    """An advanced report's filters: known keys, ids of the caller's own scans and targets (a
    foreign id is refused like an unknown one), valid levels and dates."""
    from scanning.models import Target

    if not isinstance(filters, dict):
        raise InvalidInput.field("filters", "must be an object")
    clean = {}
    for key, model in (("scan_ids", Scan), ("target_ids", Target)):
        ids = filters.get(key) or []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise InvalidInput.field(f"filters.{key}", "must be a list of ids")
        found = {str(pk) for pk in model.objects.filter(pk__in=valid_uuids(ids, f"filters.{key}"),
                                                         organization_id=organization_id, product=product)
                 .values_list("pk", flat=True)}
        missing = [i for i in ids if i.lower() not in found]
        if missing:
            raise InvalidInput.field(f"filters.{key}", f"not found: {', '.join(missing)}")
        clean[key] = ids
    levels = filters.get("severity_levels") or []
    if not isinstance(levels, list) or any(level not in LEVELS for level in levels):
        raise InvalidInput.field("filters.severity_levels", f"must be a list of {', '.join(LEVELS)}")
    clean["severity_levels"] = levels
    clean["include_excepted"] = bool(filters.get("include_excepted", False))
    for key in ("date_range_start", "date_range_end", "relative_date_range"):
        if filters.get(key):
            clean[key] = str(filters[key])
    try:
        date_window(clean)
    except InvalidInput as exc:
        name, messages = next(iter(exc.errors.items()))
        raise InvalidInput.field(f"filters.{name}", messages[0]) from None
    return clean


def valid_uuids(ids, name):
    from config.api.uuids import parse_uuid

    parsed = [parse_uuid(i) for i in ids]
    if any(p is None for p in parsed):
        raise InvalidInput.field(name, "holds a malformed id")
    return parsed

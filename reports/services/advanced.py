"""Advanced reports: saved definitions over many scans (create, update, delete)."""

from reports.models import AdvancedReport

from .records import delete_with_files
from .selection import validate_filters

FLAT_FILTERS = ("scan_ids", "target_ids", "date_range_start", "date_range_end", "relative_date_range",
                "severity_levels", "include_excepted")
FIELDS = ("name", "description", "group_by", "format", "type")


def definition(data, current=None) -> dict:
    """Filters from `filters` and/or the same keys sent flat (flat ones win)."""
    filters = dict(data.get("filters", current or {}) or {})
    filters.update({key: data[key] for key in FLAT_FILTERS if key in data})
    return filters


def create_advanced_report(actor, organization, product, data) -> AdvancedReport:
    filters = validate_filters(definition(data), organization.pk, product)
    return AdvancedReport.objects.create(
        organization=organization, product=product, created_by=actor if getattr(actor, "pk", None) else None,
        filters=filters, **{k: data[k] for k in FIELDS if k in data},
    )


def create_own_advanced_report(actor, data) -> AdvancedReport:
    """POST /v2/advanced_reports: in the caller's organization and active product."""
    from scanning.services.common import require_product

    return create_advanced_report(actor, actor.organization, require_product(actor), data)


def update_advanced_report(actor, report, data) -> AdvancedReport:
    if any(key in data for key in ("filters", *FLAT_FILTERS)):
        report.filters = validate_filters(definition(data, report.filters), report.organization_id, report.product)
    for key in FIELDS:
        if key in data:
            setattr(report, key, data[key])
    report.save()
    return report


def delete_advanced_reports(actor, reports) -> int:
    return delete_with_files(AdvancedReport, "advanced_report_id", reports)

"""Read side of reports (resources.md report and advanced_report)."""

from config.api.serializers import ResourceSerializer, iso_timestamp
from reports.models import AdvancedReport, Report

OWNED = {"organization": ("organization_id", "organization")}


def files_of(owner):
    return [
        {"format": f.format, "type": f.type, "status": f.status, "size": f.size, "sha256": f.sha256 or None,
         "generated_at": iso_timestamp(f.generated_at), "error": f.error or None}
        for f in owner.files.all()
    ]


class ReportSerializer(ResourceSerializer):
    resource_type = "report"
    relationships = {**OWNED, "scan": ("scan_id", "scan"), "history": ("run_id", "scan_history")}

    class Meta:
        model = Report
        fields = ("id",)

    def attributes(self, r):
        return {
            "scan": {"id": str(r.scan_id)}, "history": {"id": str(r.run_id)},  # resources.md report
            "scan_id": str(r.scan_id), "history_id": str(r.run_id), "status": r.status, "pci_status": r.pci_status,
            "severity_counts": r.severity_counts, "max_severity": r.max_severity, "host_count": r.host_count,
            "files": files_of(r), "created_at": iso_timestamp(r.created_at), "updated_at": iso_timestamp(r.updated_at),
        }


class AdvancedReportSerializer(ResourceSerializer):
    resource_type = "advanced_report"
    relationships = {**OWNED, "created_by": ("created_by_id", "user")}

    class Meta:
        model = AdvancedReport
        fields = ("id",)

    def attributes(self, a):
        return {
            "name": a.name, "description": a.description, "filters": a.filters, "group_by": a.group_by,
            "format": a.format, "type": a.type, "last_generated_at": iso_timestamp(a.last_generated_at),
            "files": files_of(a), "created_at": iso_timestamp(a.created_at), "updated_at": iso_timestamp(a.updated_at),
        }

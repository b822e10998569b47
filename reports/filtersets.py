"""The `q[...]` columns of the report lists."""

from config.api.filters import ResourceFilterSet, SearchFilter


class ReportFilterSet(ResourceFilterSet):
    scan_id = SearchFilter("scan_id")
    status = SearchFilter("status")
    pci_status = SearchFilter("pci_status")


class AdvancedReportFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    group_by = SearchFilter("group_by")
    format = SearchFilter("format")
    type = SearchFilter("type")

"""The `q[...]` columns of the scanning lists."""

from config.api.filters import ResourceFilterSet, SearchFilter


class TargetFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    hosts = SearchFilter("hosts")
    comment = SearchFilter("comment")


class PortListFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    comment = SearchFilter("comment")
    predefined = SearchFilter("predefined")


class ScannerFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    type = SearchFilter("type")
    status = SearchFilter("status")


class ScanProfileFilterSet(ResourceFilterSet):
    name = SearchFilter("name")


class ScheduleFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    frequency = SearchFilter("frequency")


class ScanFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    status = SearchFilter("status")
    target_id = SearchFilter("target_id")
    schedule_id = SearchFilter("schedule_id")


class ScanRunFilterSet(ResourceFilterSet):
    """GET /v2/scans/{id}/histories"""

    status = SearchFilter("status")
    triggered_by = SearchFilter("triggered_by")


class RunHostFilterSet(ResourceFilterSet):
    """GET /v2/scans/{id}/hosts"""

    ip = SearchFilter("ip")
    hostname = SearchFilter("hostname")

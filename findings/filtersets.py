"""The `q[...]` columns of the findings lists (the custom columns' rules: findings/api/params.py)."""

from config.api.filters import CustomSearchFilter, ResourceFilterSet, SearchFilter
from findings.api.params import search_cve, search_host, search_level, search_port


class VulnerabilityFilterSet(ResourceFilterSet):
    date_field = "sighting__last_seen"  # findings.models.FindingSighting

    name = SearchFilter("name")
    nvt = SearchFilter("nvt")
    cve = CustomSearchFilter(search_cve)
    host = CustomSearchFilter(search_host)
    port = CustomSearchFilter(search_port)
    severity_level = CustomSearchFilter(search_level)
    status = SearchFilter("status")
    scan_id = SearchFilter("scan_id")


class HostFilterSet(ResourceFilterSet):
    date_field = "last_seen"

    ip = SearchFilter("ip")
    hostname = SearchFilter("hostname")
    os = SearchFilter("os")


def search_exception_hosts(queryset, value):
    """`q[hosts]`: exceptions naming that address (an exact address; hosts is a JSON list)."""
    import ipaddress

    try:
        address = str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError("must be an IP address") from None
    return queryset.filter(hosts__icontains=f'"{address}"')


class ExceptionFilterSet(ResourceFilterSet):
    nvt = SearchFilter("nvt")
    hosts = CustomSearchFilter(search_exception_hosts)
    active = SearchFilter("active")
    scan_id = SearchFilter("scan_id")


class ResultFilterSet(ResourceFilterSet):
    """GET /v2/scans/{id}/vulnerabilities: the results of one run."""

    name = SearchFilter("name")
    nvt = SearchFilter("nvt")
    host = CustomSearchFilter(search_host)
    port = CustomSearchFilter(search_port)
    severity_level = SearchFilter("severity_level")
    delta = SearchFilter("delta")

"""Listed rows of the findings lists (current vulnerabilities, the host inventory): plain
`.values()` rows of the columns the list shows, ids and timestamps formatted by the database, the
check's text and the host's address read in the same query (config/api/rows.py)."""

from config.api.rows import NamedRow, formatted_names, joined, listed_values
from findings.models import Finding, Host

CHECK_COLUMNS = ("name", "family", "cvss_vector", "cves", "references", "summary", "insight", "affected", "impact",
                 "solution", "solution_type")

VULNERABILITY_COLUMNS = (
    "id", "organization_id", "exception_id", "scan_id", "run_id", "host_id", "name", "nvt", "hostname", "port",
    "protocol", "severity", "original_severity", "severity_level", "cvss_vector", "qod", "detection", "pci_fail",
    "status", "first_seen", "last_seen", "fixed_at", "created_at", "updated_at",
    *(f"check_info__{column}" for column in CHECK_COLUMNS), "host__ip", "host__hostname",
)
HOST_COLUMNS = ("id", "organization_id", "ip", "hostname", "os", "mac", "first_seen", "last_seen", "ports", "product",
                "created_at", "updated_at")


class VulnerabilityRow(NamedRow):
    formatted = formatted_names(Finding, VULNERABILITY_COLUMNS)
    check_info = joined("check_info", *CHECK_COLUMNS)
    host = joined("host", "ip", "hostname")


class HostRow(NamedRow):
    formatted = formatted_names(Host, HOST_COLUMNS)


def listed_vulnerabilities(page):
    return listed_values(page, VULNERABILITY_COLUMNS)


def listed_hosts(page):
    return listed_values(page, HOST_COLUMNS)

"""Listed rows of the findings lists (current vulnerabilities, the host inventory): plain
`.values()` rows of the columns the list shows, ids and timestamps formatted by the database, the
check's text and the host's address read in the same query (config/api/rows.py)."""

from config.api.rows import ALIAS, IsoTimestamp, NamedRow, UUIDText, formatted_names, joined, listed_values
from findings.models import Finding, Host

CHECK_COLUMNS = ("name", "family", "cvss_vector", "cves", "references", "summary", "insight", "affected", "impact",
                 "solution", "solution_type")

VULNERABILITY_COLUMNS = (
    "id", "organization_id", "exception_id", "scan_id", "host_id", "name", "nvt", "hostname", "port",
    "protocol", "severity", "original_severity", "severity_level", "cvss_vector", "qod", "detection", "pci_fail",
    "status", "first_seen", "fixed_at", "created_at", "updated_at",
    *(f"check_info__{column}" for column in CHECK_COLUMNS), "host__ip", "host__hostname",
)
# The finding's sighting (findings.models.FindingSighting), joined on its key, formatted as the
# finding's own columns are.
SIGHTING_COLUMNS = {"last_seen": IsoTimestamp("sighting__last_seen"), "run_id": UUIDText("sighting__run_id")}
HOST_COLUMNS = ("id", "organization_id", "ip", "hostname", "os", "mac", "first_seen", "last_seen", "ports", "product",
                "created_at", "updated_at")


class VulnerabilityRow(NamedRow):
    formatted = (*formatted_names(Finding, VULNERABILITY_COLUMNS), *SIGHTING_COLUMNS)
    check_info = joined("check_info", *CHECK_COLUMNS)
    host = joined("host", "ip", "hostname")


class HostRow(NamedRow):
    formatted = formatted_names(Host, HOST_COLUMNS)


def listed_vulnerabilities(page):
    sightings = {ALIAS + name: expression for name, expression in SIGHTING_COLUMNS.items()}
    return listed_values(page.annotate(**sightings), (*VULNERABILITY_COLUMNS, *sightings))


def listed_hosts(page):
    return listed_values(page, HOST_COLUMNS)

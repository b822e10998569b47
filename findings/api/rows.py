"""Listed rows of the findings lists (current vulnerabilities, the host inventory): plain
`.values()` rows of the columns the list shows, ids and timestamps formatted by the database, the
check's text and the host's address read in the same query (config/api/rows.py)."""

import orjson
from django.db.models import Count, Max, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast, JSONArray

from config.api.rows import ALIAS, IsoTimestamp, UUIDText
from findings.models import Finding
from findings.services.statistics import LEVELS, REAL, empty_counts, open_findings
from scanning.api.rows import JSON, Inlined, listed_rows

# The check's columns a finding or a run's result shows (its two JSON columns read as their text),
# and the hit's own (findings.api.serializers.check_attributes writes them).
CHECK_COLUMNS = ("name", "family", "cvss_vector", "cves" + JSON, "references" + JSON, "summary", "insight", "affected",
                 "impact", "solution", "solution_type")
HIT_COLUMNS = (
    "exception_id", "scan_id", "name", "nvt", "port", "protocol", "severity", "original_severity", "severity_level",
    "cvss_vector", "qod", "detection", "pci_fail", *(f"check_info__{column}" for column in CHECK_COLUMNS),
)
VULNERABILITY_COLUMNS = (
    "id", "organization_id", "host_id", "hostname", "status", "first_seen", "fixed_at", "created_at", "updated_at",
    *HIT_COLUMNS, "host__ip", "host__hostname",
)
# The finding's sighting (findings.models.FindingSighting), joined on its key, formatted as the
# finding's own columns are.
SIGHTING_COLUMNS = {"last_seen": IsoTimestamp("sighting__last_seen"), "run_id": UUIDText("sighting__run_id")}
HOST_COLUMNS = ("id", "organization_id", "ip", "hostname", "os", "mac", "first_seen", "last_seen", "ports" + JSON,
                "product", "created_at", "updated_at", "finding_counts")


def listed_vulnerabilities(page):
    sightings = {ALIAS + name: expression for name, expression in SIGHTING_COLUMNS.items()}
    return listed_rows(page, (*VULNERABILITY_COLUMNS, *sightings), **sightings)


def listed_hosts(page, min_qod):
    """The page's hosts, each with its counted findings under `min_qod` (`finding_counts`) read in
    the same query: a correlated aggregate over the host's findings (index host, status)."""
    return listed_rows(page, HOST_COLUMNS, finding_counts=finding_counts_column(min_qod))


def finding_counts_column(min_qod):
    """The text of a JSON array [high, medium, low, log, all, max severity] of a listed host's
    counted findings (as statistics.counts_by counts them), NULL when it has none."""
    findings = Finding.objects.filter(host_id=OuterRef("pk"), organization_id=OuterRef("organization_id"),
                                      product=OuterRef("product"))
    counted = open_findings(findings, min_qod).filter(REAL).order_by().values("host_id")
    levels = [Count("pk", filter=Q(severity_level=level)) for level in LEVELS]
    figures = counted.annotate(item=Cast(JSONArray(*levels, Count("pk"), Max("severity")), TextField()))
    return Inlined(Subquery(figures.values("item"), output_field=TextField()))


def host_figures(counts):
    """{vulnerability_count, severity_counts, max_severity} of a `finding_counts` value."""
    if counts is None:
        return {"vulnerability_count": 0, "severity_counts": empty_counts(), "max_severity": None}
    *levels, total, top = orjson.loads(counts)
    return {"vulnerability_count": total, "severity_counts": dict(zip(map(str, LEVELS), levels, strict=True)),
            "max_severity": float(top)}


def finding_counts(figures):
    """The `finding_counts` value of statistics.counts_by's figures for one host (or None)."""
    if not figures:
        return None
    levels = [figures["severity_counts"][str(level)] for level in LEVELS]
    return orjson.dumps([*levels, figures["vulnerability_count"], figures["max_severity"]]).decode()

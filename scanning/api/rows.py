"""Listed rows of the scanning lists (targets, scans, a scan's histories): plain `.values()`
rows of the columns the list shows, ids and timestamps formatted by the database, the names of
joined records read in the same query (config/api/rows.py). A page otherwise builds whole model
instances, with their UUIDs and datetimes, only to turn them back into text."""

from django.db.models import F

from config.api.rows import NamedRow, Row, formatted_names, joined, listed_values
from scanning.models import Scan, ScanRun, Target

OWNED_COLUMNS = ("id", "organization_id", "created_by_id", "product", "created_at", "updated_at")

TARGET_COLUMNS = (
    *OWNED_COLUMNS, "name", "hosts", "exclude_hosts", "host_count", "port_list_id", "port_list__name", "alive_test",
    "comment", "credentials_public",
)
SCAN_COLUMNS = (
    *OWNED_COLUMNS, "name", "target_id", "target__name", "scan_profile_id", "scan_profile__name", "scanner_id",
    "scanner__name", "schedule_id", "schedule__name", "last_history_id", "comment", "status", "progress",
    "last_run_at", "next_run_at", "run_count", "severity_counts", "max_severity", "pci_status", "max_checks",
    "max_hosts",
)
RUN_COLUMNS = (
    "id", "scan_id", "scanner_id", "organization_id", "status", "stage", "progress", "queued_at", "started_at",
    "finished_at", "host_count", "hosts_alive", "severity_counts", "max_severity", "pci_status", "delta", "error",
    "partial", "triggered_by", "created_at", "updated_at",
)


class TargetRow(NamedRow):
    formatted = formatted_names(Target, TARGET_COLUMNS)
    port_list = joined("port_list", "name")


class ScanRow(NamedRow):
    formatted = formatted_names(Scan, SCAN_COLUMNS)
    target = joined("target", "name")
    scan_profile = joined("scan_profile", "name")
    scanner = joined("scanner", "name")
    schedule = joined("schedule", "name")


class ScanRunRow(NamedRow):
    """`started` and `finished` are the datetimes (a run's duration and time to go need them);
    `started_at` and `finished_at` the formatted text, as for every listed timestamp."""

    formatted = formatted_names(ScanRun, RUN_COLUMNS)


def listed_targets(page):
    return listed_values(page, TARGET_COLUMNS)


def listed_scans(page):
    return listed_values(page, SCAN_COLUMNS)


def listed_runs(page):
    moments = page.annotate(started=F("started_at"), finished=F("finished_at"))
    return listed_values(moments, (*RUN_COLUMNS, "started", "finished"))


def run_moments(run):
    """(started, finished) as datetimes, of a listed row or a model instance."""
    if isinstance(run, Row):
        return run.started, run.finished
    return run.started_at, run.finished_at

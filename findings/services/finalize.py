"""What happens once a run has stored its last batch (scanning.md stage 6, "Findings, hosts and
deltas"). A complete (`done`) run gets, in a constant number of queries:

- the run's `delta {new, fixed, persisting}` against the previous done run of the same scan
  (each result's own `delta` was set as it was stored, see ingest.py);
- current findings it did not see turned `fixed`: only on hosts it found alive, on ports it
  scanned (or `general`), for check families it ran; a host that was down keeps its findings;
- its severity counts, maximum severity and PCI verdict, copied to its scan;
- the counts of the hosts it saw and of the exceptions of its organization.

A stopped or interrupted run (`summarize_partial`) keeps what it stored and gets its counts,
but never a verdict or a delta, and never turns a finding fixed."""

import bisect
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone

from findings.choices import FindingStatus
from findings.models import Finding, FindingException, Host, Result
from scanning.choices import RunStatus
from scanning.models import RunHost, ScanRun

from .counts import DEFAULT_MIN_QOD, refresh_hosts, run_summaries, save_run_numbers
from .list_counts import findings_changed

CHUNK = 5000  # ids per UPDATE ... WHERE id IN (...)


@dataclass
class Scope:
    """What a run looked at: `families` None = every family (imports); `ports` None = every port
    (imports), else a PortRanges of what the run scanned; `sources` the tools whose findings it
    could see again (an imported Nessus report says nothing about a built-in check's finding)."""

    families: list | None = None
    ports: object = None
    sources: tuple = ("builtin", "version_match")

    def scanned(self, port, protocol) -> bool:
        if port == 0 or self.ports is None:
            return True
        ranges = self.ports.tcp if protocol == "tcp" else self.ports.udp  # sorted, not overlapping
        index = bisect.bisect_right(ranges, (port, 65536)) - 1
        return index >= 0 and ranges[index][0] <= port <= ranges[index][1]


def scope_of_native_run(run):
    """The scan profile's families and the target's port list (both as the run used them)."""
    from scanning.ports import parse_port_ranges

    scan = run.scan
    profile = scan.scan_profile
    families = [] if getattr(profile, "discovery_only", False) else list(profile.families or [])
    return Scope(families=families, ports=parse_port_ranges(scan.target.port_list.port_ranges))


def previous_done_run(run):
    return (ScanRun.objects.filter(scan_id=run.scan_id, status=RunStatus.DONE, created_at__lt=run.created_at)
            .exclude(pk=run.pk).order_by("-created_at").only("id").first())


def finalize(run, scope=None, now=None):
    """Deltas, fixed findings, counts and verdict of a complete run; returns its summary."""
    now = now or timezone.now()
    scope = scope if scope is not None else scope_of_native_run(run)
    previous = previous_done_run(run)
    fixed = count_fixed(run, previous, scope)
    fix_unseen_findings(run, scope, now)
    run.delta = {"fixed": fixed}
    summary = run_summaries([run.pk])[run.pk]
    save_run_numbers([run], {run.pk: summary}, complete_ids={run.pk})
    refresh_hosts(hosts_of(run))
    refresh_exception_counts(run.organization_id, run.product)
    return summary


def summarize_partial(run):
    """Counts of a stopped or interrupted run from what it stored; no delta, no verdict."""
    summary = run_summaries([run.pk])[run.pk]
    save_run_numbers([run], {run.pk: summary}, complete_ids=set())
    refresh_hosts(hosts_of(run))
    return summary


def alive_ips(run):
    return RunHost.objects.filter(run_id=run.pk, alive=True).values("ip")


def count_fixed(run, previous, scope):
    """Counted results of the previous run that this run, looking at the same host, port and
    family, no longer found: each one looked up among the run's results by its fingerprint (the
    unique index result_unique_per_run), about 3 us a result. The run's own results are too new
    for the planner's statistics: as a join, it took them for one row and scanned all of them per
    previous result (seconds per run); an EXCEPT of the two runs' fingerprints cost 300 ms. The
    OFFSET 0 keeps the NOT EXISTS a lookup per row (PostgreSQL does not turn it into a join)."""
    if previous is None:
        return 0
    counted = (Result.objects.filter(run_id=previous.pk, qod__gte=DEFAULT_MIN_QOD, severity__gte=0,
                                     ip__in=alive_ips(run), check_info__source__in=scope.sources))
    if scope.families is not None:
        counted = counted.filter(check_info__family__in=scope.families)
    fingerprint = ("nvt", "ip", "port", "protocol")
    try:
        sql, params = counted.order_by().values_list(*fingerprint).query.sql_with_params()
    except EmptyResultSet:  # e.g. a run of no family
        return 0
    result, (run_column, *columns) = connection.ops.quote_name(Result._meta.db_table), (
        connection.ops.quote_name(Result._meta.get_field(name).column) for name in ("run", *fingerprint))
    same = " AND ".join(f"seen.{column} = previous.{column}" for column in columns)
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""  # SQLite has no such syntax (nor need)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT previous.{columns[2]}, previous.{columns[3]} FROM ({sql}) AS previous "  # noqa: S608
                       f"WHERE NOT EXISTS (SELECT 1 FROM {result} AS seen WHERE seen.{run_column} = %s AND {same}"
                       f"{fence})", (*params, Result._meta.pk.get_db_prep_value(run.pk, connection)))
        return sum(1 for port, protocol in cursor.fetchall() if scope.scanned(port, protocol))


def fix_unseen_findings(run, scope, now):
    """Findings on the run's alive hosts that nobody has seen since the run started (a finding the
    run stored was last seen after its start, as was one another scan saw meanwhile)."""
    if scope.families is not None and not scope.families:
        return 0  # a discovery run looked for no weakness: it cannot say one is gone
    since = run.started_at or run.created_at
    unseen = (Finding.objects.filter(organization_id=run.organization_id, product=run.product, ip__in=alive_ips(run),
                                     sighting__last_seen__lt=since)
              .exclude(status=FindingStatus.FIXED))
    if scope.families is not None:
        unseen = unseen.filter(check_info__family__in=scope.families)
    unseen = unseen.filter(check_info__source__in=scope.sources)
    ids = [pk for pk, port, protocol in unseen.order_by().values_list("id", "port", "protocol")  # no sort needed
           if scope.scanned(port, protocol)]
    for start in range(0, len(ids), CHUNK):
        Finding.objects.filter(pk__in=ids[start:start + CHUNK]).update(status=FindingStatus.FIXED, fixed_at=now,
                                                                        updated_at=now)
    if ids:
        findings_changed(run.organization_id)  # after the writes: outside a transaction it acts at once
    return len(ids)


def hosts_of(run):
    return Host.objects.filter(organization_id=run.organization_id, product=run.product,
                               ip__in=alive_ips(run)).values_list("id", flat=True)


def refresh_exception_counts(organization_id, product):
    """affected_count of the organization's exceptions: the current findings each one changes."""
    from django.db.models import Count

    counts = dict(Finding.objects.filter(organization_id=organization_id, product=product, exception__isnull=False)
                  .values_list("exception_id").order_by().annotate(n=Count("id")))
    exceptions = list(FindingException.objects.filter(organization_id=organization_id, product=product)
                      .only("id", "affected_count"))
    changed = [e for e in exceptions if e.affected_count != counts.get(e.pk, 0)]
    for exception in changed:
        exception.affected_count = counts.get(exception.pk, 0)
    FindingException.objects.bulk_update(changed, ["affected_count"], batch_size=1000)


def on_run_finalized(run, summary):
    """After a complete run's numbers are saved (same transaction): its report record, for native
    and imported runs alike (docs/reports.md)."""
    from reports.services.records import record_run

    record_run(run)  # the run carries its status (set_status) and numbers (save_run_numbers)

"""One ingestion path (scanning.md stage 6): a batch of finished hosts of a run, from the engine or
from an imported report, becomes rows: the run's hosts, the organization's host inventory, the
check catalogue text, the run's results and the current findings per fingerprint.

A batch costs a constant number of queries whatever its size: every table is read once for the
batch's keys and written with one bulk statement (bulk.py: binary COPY into a staging table and
one INSERT ... ON CONFLICT DO UPDATE on PostgreSQL, `bulk_create(update_conflicts=True)` on
SQLite). New rows get ids derived from their natural key (uuid5), so two writers racing on the
same fingerprint agree on its id. Findings and results: ingest_findings.py.

`store_batches` overlaps Python and PostgreSQL across batches (read the next batch, then write
this one while building the next); `store_hosts` is one batch. docs/findings.md has the details."""

import gc
import uuid
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from findings.models import Host
from scanning.models import RunHost

from .bulk import Read, Upsert, json_value, write
from .catalogue import check_info_rows, check_info_upsert, checks_by_nvt, existing_checks
from .ingest_findings import existing_findings, finding_writes, findings_by_key, previous_done_run_id
from .ingest_ids import natural_id
from .list_counts import findings_changed
from .matching import active_exceptions, exceptions_by_nvt

# Rows are plain tuples in these column orders (bulk.upsert streams them).
HOST_COLUMNS = ("id", "created_at", "updated_at", "organization_id", "product", "ip", "hostname", "os", "mac",
                "first_seen", "last_seen", "ports", "vulnerability_count", "severity_counts", "max_severity")
HOST_UPDATES = ("hostname", "os", "mac", "last_seen", "ports", "updated_at")
RUN_HOST_COLUMNS = ("id", "created_at", "updated_at", "run_id", "organization_id", "ip", "hostname", "alive", "os", "mac",
                    "ports")
PORT_KEYS = ("port", "protocol", "service", "product", "version", "cpe", "tls")
IDENTIFICATION = PORT_KEYS[2:]  # what a run learnt of a port (all but port and protocol)
UNIDENTIFIED_SERVICES = ("", "unknown")


class Hit:
    """One engine finding on one alive host, ready to become a result and a finding."""

    __slots__ = ("finding", "host", "key")

    def __init__(self, host, finding):
        self.host, self.finding = host, finding
        self.key = (finding.nvt, host.ip, finding.port, finding.protocol)  # the fingerprint within the organization


def store_hosts(run, hosts, now=None):
    """Store one batch of hosts of `run` (engine HostResults): every host of a run exactly once."""
    store_batches(run, [hosts], now)


def store_batches(run, batches, now=None):
    """Store the batches of hosts of `run` (an iterable of lists of HostResults), each batch in a
    transaction of its own, in a constant number of queries per batch.

    Python and PostgreSQL work at once. While the database applies batch k's statements (one
    pipeline, bulk.write), Python builds the rows of batch k+1 (`meanwhile`), and the same
    pipeline then reads what batch k+2 meets (its stored hosts, findings, catalogue rows and
    exceptions in force: `reads`). So batch k+2 is read before
    batches k+1 and k+2 are written: the batches of a run hold different hosts, so what one batch
    writes is nothing another reads, except the catalogue rows of checks new in a batch, which
    are carried over in memory. The transaction that writes batch k also reads batch k+2; the
    first two batches are read in one of their own.

    When these are the outermost transactions (a native run), their commits do not wait for the
    disk (synchronous_commit off: ~3 ms a batch): a database crash may lose the last batches of a
    running run, which the crash interrupts anyway (no verdict, no fixed findings); finalize
    commits durably. Inside a caller's transaction (an import) nothing changes."""
    stream = (hosts for hosts in batches if hosts)
    lazy, carried = not connection.in_atomic_block, {}

    def build(found):
        built, checks = build_batch(run, found, carried, now or timezone.now())
        carried.update(checks)
        return built

    with cyclic_gc_paused():
        first = next(stream, None)
        if first is None:
            return
        with transaction.atomic():
            found, second = read_batch(run, first).now(), next(stream, None)
            upcoming = read_batch(run, second).now() if second is not None else None
        pending = build(found)  # batch k's writes; `upcoming`: batch k+1, read
        while pending is not None:
            after = next(stream, None) if upcoming is not None else None
            with transaction.atomic():
                ahead = read_batch(run, after) if after is not None else None
                built = write(*pending, lazy_commit=lazy, reads=ahead.reads if ahead else (),
                              meanwhile=(lambda found=upcoming: build(found)) if upcoming is not None else None)
                findings_changed(run.organization_id)
            pending, upcoming = built, ahead.received() if ahead is not None else None


class Found:
    """What a batch's rows are built from: its hosts and hits, and the stored rows they meet
    (`inventory`, `checks`, `exceptions`, `findings`: bulk.Read objects until their rows arrive,
    then dicts, see `received`)."""

    __slots__ = ("alive", "checks", "exceptions", "findings", "hits", "hosts", "inventory")

    @property
    def reads(self):
        return [read for read in (self.inventory, self.checks, self.exceptions, self.findings) if read is not None]

    def now(self):
        for read in self.reads:
            read.now()
        return self.received()

    def received(self):
        """The rows of the reads, as dicts."""
        self.inventory = {row[1]: row for row in self.inventory.rows} if self.inventory is not None else {}
        self.findings = findings_by_key(self.findings.rows) if self.findings is not None else {}
        self.checks = checks_by_nvt(self.checks.rows) if self.checks is not None else {}
        self.exceptions = exceptions_by_nvt(self.exceptions.rows) if self.exceptions is not None else {}
        return self


def read_batch(run, hosts):
    """The reads of one batch, a constant number of queries: its stored hosts, findings,
    catalogue rows and exceptions in force, as Reads (sent with a write, or `now()`)."""
    found = Found()
    found.hosts, found.hits = hosts, unique_hits(hosts)
    found.alive = [host for host in hosts if host.alive]
    found.inventory = stored_hosts(run, found.alive) if found.alive else None
    found.checks = found.exceptions = found.findings = None
    if found.hits:
        nvts = {hit.finding.nvt for hit in found.hits}
        found.checks = existing_checks(run.organization_id, nvts)
        found.exceptions = active_exceptions(run.organization_id, run.product, nvts, timezone.now())
        found.findings = existing_findings(run, found.hits)
        previous_done_run_id(run)  # looked up once per run, here: building a batch runs no query
    return found


def build_batch(run, found, carried, now):
    """(the writes of one batch, in order; the catalogue rows among them): no query. `carried`:
    the catalogue rows earlier batches of the stream write."""
    writes = [Upsert(RunHost, RUN_HOST_COLUMNS, [run_host(run, host, now) for host in found.hosts])]
    if not found.alive:
        return writes, {}
    host_ids, inventory = host_inventory(run, found.alive, found.inventory, now)
    writes.append(inventory)
    if not found.hits:
        return writes, {}
    checks, new_checks = check_info_rows(run.organization_id, [hit.finding for hit in found.hits],
                                         found.checks | carried, now)
    writes.append(check_info_upsert(new_checks.values()))
    writes += finding_writes(run, found.hits, found.findings, host_ids, checks, found.exceptions, now)
    return writes, new_checks


@contextmanager
def cyclic_gc_paused():
    """No cyclic garbage collection while a batch is turned into rows: the tens of thousands of
    tuples a batch allocates trigger full collections that walk every object of the process (a
    Django worker holds hundreds of thousands), which cost more than building the rows (about
    8 us per finding, measured). The few cycles a batch leaves are collected after it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def unique_hits(hosts):
    """One hit per fingerprint (a check reporting the same port twice keeps the most severe)."""
    hits = {}
    for host in hosts:
        if not host.alive:
            continue
        for finding in host.findings:
            hit = Hit(host, finding)
            kept = hits.get(hit.key)
            if kept is None or finding.severity > kept.finding.severity:
                hits[hit.key] = hit
    return list(hits.values())


def run_host(run, host, now):
    return (uuid.uuid4(), now, now, run.pk, run.organization_id, host.ip, host.hostname or "", host.alive,
            host.os or "", host.mac or "", [port_dict(p) for p in host.ports])


def port_dict(port):
    return {
        "port": port.port, "protocol": port.protocol, "state": port.state, "service": port.service,
        "product": port.product, "version": port.version, "cpe": port.cpe, "tls": port.tls,
        "banner": (port.banner or "")[:1024], "extra": port.extra or {},
    }


# --- the host inventory -------------------------------------------------------------------------


def stored_hosts(run, alive):
    """The Read of the inventory rows (id, ip, hostname, os, mac, first_seen, ports) of these hosts."""
    rows = Host.objects.filter(organization_id=run.organization_id, product=run.product, ip__in=[h.ip for h in alive])
    return Read(rows.order_by().values_list("id", "ip", "hostname", "os", "mac", "first_seen", "ports"))


def host_inventory(run, alive, existing, now):
    """({ip: host id}, the Upsert of their rows): first/last seen, hostname, os, mac and the open
    ports merged per address."""
    organization_id, product = run.organization_id, run.product
    ids, rows = {}, {}
    for result in alive:  # an address listed twice (an imported report may) is one row, its last view
        old_id, _ip, hostname, os_name, mac, first_seen, ports = existing.get(result.ip) or (None, "", "", "", "", now, [])
        ids[result.ip] = old_id or natural_id("host", organization_id, product, result.ip)
        rows[result.ip] = (ids[result.ip], now, now, organization_id, product, result.ip, result.hostname or hostname,
                           result.os or os_name, result.mac or mac, first_seen, now, merged_ports(ports, result), 0, {},
                           None)
    return ids, Upsert(Host, HOST_COLUMNS, list(rows.values()), unique=("organization", "product", "ip"), update=HOST_UPDATES)


def merged_ports(old_ports, result):
    """This run's view of the ports it saw; ports only other scans saw stay (a complete host that
    this run found without a port it lists is the run's word on that port only if it scanned it,
    which the inventory cannot know, so they are kept). A port this run saw without identifying it
    (service "unknown", no product: a CSV export, a scan without version detection) keeps what an
    earlier run knew of it, as the host's name, OS and MAC do."""
    ports = {(p.get("port"), p.get("protocol")): p for p in json_value(old_ports)}
    for port in result.ports:
        key = (port.port, port.protocol)
        ports[key] = port_row(port, ports.get(key))
    return sorted(ports.values(), key=lambda p: (p.get("protocol") or "", p.get("port") or 0))


def port_row(port, known):
    """The inventory row of a port this run saw, keeping the earlier identification when this run
    has none."""
    row = {key: getattr(port, key) for key in PORT_KEYS}
    if known and port.service in UNIDENTIFIED_SERVICES and not port.product:
        row.update({key: known.get(key, row[key]) for key in IDENTIFICATION})
    return row

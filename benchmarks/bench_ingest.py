"""Ingestion benchmark (issue #10): findings per second end to end through the findings ingestion
service (`store_hosts` in batches, then `finalize`: deltas, fixed findings, counts, verdict), and
the queries each batch costs.

    .venv/bin/python benchmarks/bench_ingest.py [--database-url postgres://postgres@localhost/bench_ingest]
        [--runs 10] [--hosts 500] [--findings-per-host 20] [--batch-hosts 50]

Every run of one scan stores hosts x findings-per-host findings; from the second run on, a
tenth of the hosts lose one finding (fixed), get back the one they lost before (reopened) and
gain one no run had (new), so deltas and status changes are part of the work. See benchmarks/README.md for the figures."""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project root, not benchmarks/, comes first on the import path

from benchmarks import harness  # noqa: E402
from benchmarks.clocks import CpuClock  # noqa: E402

TARGET = 20_000  # findings/s end to end
DEFAULT_URL = "postgres://postgres@localhost/bench_ingest"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a PostgreSQL URL whose database (name starting "
                        "with 'bench') is created and dropped by the benchmark, or sqlite:////path")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--findings-per-host", type=int, default=20)
    parser.add_argument("--batch-hosts", type=int, default=50, help="hosts per store_hosts call (default 50)")
    args = parser.parse_args(argv)
    if min(args.runs, args.hosts, args.findings_per_host, args.batch_hosts) < 1 or args.hosts > 60000:
        parser.error("every count must be at least 1 (and --hosts at most 60000)")
    return args


def seed():
    from organizations.models import Organization
    from scanning.builtins import sync_builtins
    from scanning.models import PortList, Scan, Scanner, ScanProfile, Target

    sync_builtins(PortList, Scanner, ScanProfile)
    organization = Organization.objects.create(name="Bench Org", company_name="Bench Org")
    port_list = PortList.objects.get(predefined=True, name="All TCP")
    target = Target.objects.create(organization=organization, product="pci", name="Bench", hosts="10.0.0.0/16",
                                   host_count=65536, port_list=port_list)
    return Scan.objects.create(organization=organization, product="pci", name="Bench scan", target=target,
                               scan_profile=ScanProfile.objects.get(name="Full and fast"),
                               scanner=Scanner.objects.get(predefined=True, type="builtin"))


def hosts_of_run(number, args):
    """The engine's view of run `number`: every host alive, finding k of a host on port 1000 + k.
    From the second run on, every tenth host misses finding `number` (fixed; the one it missed in
    the previous run comes back: reopened) and has one finding no run had before (new)."""
    from scanning.engine.types import Finding, HostResult, PortResult

    def finding(ip, k, nvt):
        return Finding(nvt=nvt, name=f"Bench check {nvt}", family="web_servers", port=1000 + k,
                       severity=(k % 11) * 0.9, qod=70 if k % 7 else 30, pci_fail=k == 3,
                       detection=f"Server: bench/{k} on {ip}", summary="Bench summary", solution="Upgrade.",
                       cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N")

    hosts = []
    for index in range(args.hosts):
        ip = f"10.0.{index // 250}.{index % 250 + 1}"
        changing = number > 0 and index % 10 == 0
        found = [finding(ip, k, f"CG-BENCH-{k}") for k in range(args.findings_per_host)
                 if not (changing and k == number % args.findings_per_host)]
        if changing:
            found.append(finding(ip, 1000 + number, f"CG-BENCH-NEW-{number}"))
        ports = [PortResult(port=f.port, protocol="tcp", service="http", product="bench", version="1") for f in found]
        hosts.append(HostResult(ip=ip, ports=ports, findings=found))
    return hosts


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def one_run(scan, number, args, counter):
    from django.db import connection
    from django.utils import timezone

    from findings.services.finalize import finalize
    from findings.services.ingest import store_batches
    from scanning.models import ScanRun

    hosts = hosts_of_run(number, args)  # built before the clock starts: the engine's work, not ours
    run = ScanRun.objects.create(scan=scan, organization=scan.organization, product="pci", status="running",
                                 started_at=timezone.now())
    scan.last_history = run
    scan.save(update_fields=["last_history"])
    run = ScanRun.objects.select_related("scan__scan_profile", "scan__target__port_list").get(pk=run.pk)
    batch_queries = []
    clock = CpuClock()
    cpu_start = clock.read()
    started = time.perf_counter()
    def batches():  # the queries between two batches handed over are the previous batch's
        before = counter.count
        for start in range(0, len(hosts), args.batch_hosts):
            yield hosts[start:start + args.batch_hosts]
            batch_queries.append(counter.count - before)
            before = counter.count

    with connection.execute_wrapper(counter):
        store_batches(run, batches())
        ScanRun.objects.filter(pk=run.pk).update(status="done", finished_at=timezone.now())
        run.status = "done"
        before = counter.count
        summary = finalize(run)
        finalize_queries = counter.count - before
    seconds = time.perf_counter() - started
    cpu = clock.elapsed(cpu_start, clock.read())
    run.refresh_from_db()
    return {"seconds": seconds, "cpu": cpu, "findings": sum(len(h.findings) for h in hosts), "batch_queries": batch_queries,
            "finalize_queries": finalize_queries, "delta": run.delta, "pci_status": summary and run.pci_status}


def analyze_tables():
    """Statistics for the tables the first run filled, outside the clock. Production tables have
    them (autovacuum analyzes a table within a minute of a large insert); without them the planner
    reads a batch's findings through an arbitrary (organization, product) index, 50 times slower."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv=None):
    args = parse_args(argv)
    database = harness.ScratchDatabase(args.database_url, ROOT / "benchmarks" / "bench_ingest.sqlite3")
    database.create()
    os.environ["DATABASE_URL"] = database.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        scan = seed()
        counter = QueryCounter()
        print(f"{args.runs} runs x {args.hosts * args.findings_per_host} findings ({args.hosts} hosts, batches of "
              f"{args.batch_hosts} hosts) on {database.label}, {harness.machine()['cores']} cores", flush=True)
        total_seconds = total_findings = total_cpu = 0
        for number in range(args.runs):
            result = one_run(scan, number, args, counter)
            if number == 0:
                analyze_tables()
            total_seconds += result["seconds"]
            total_findings += result["findings"]
            total_cpu = None if total_cpu is None or result["cpu"] is None else total_cpu + result["cpu"]
            queries = sorted(set(result["batch_queries"]))
            print(f"run {number + 1:2}: {result['findings']:6} findings in {result['seconds']:6.2f} s "
                  f"= {result['findings'] / result['seconds']:8.0f}/s; queries per batch {queries}, "
                  f"finalize {result['finalize_queries']}; delta {result['delta']}", flush=True)
        rate = total_findings / total_seconds
        print(f"total: {total_findings} findings in {total_seconds:.2f} s = {rate:.0f} findings/s "
              f"(target >= {TARGET}/s: {'met' if rate >= TARGET else 'MISSED'})")
        if total_cpu:
            print(f"CPU (this process + its PostgreSQL backend): {total_cpu:.2f} s = {total_findings / total_cpu:.0f} "
                  f"findings per CPU second; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        return 0 if rate >= TARGET else 1
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()


if __name__ == "__main__":
    sys.exit(main())

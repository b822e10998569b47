"""Current-findings list benchmark (issue #10): `GET /v2/vulnerabilities` first page with each
documented filter and sort, over `--rows` (default 1,000,000) current findings of one
organization on PostgreSQL, through the full WSGI handler (authentication, scoping, envelope).
Target: p95 < 100 ms per case. The exact total_count comes from the shared cache (`--cache-url`,
Redis) while the findings are unchanged; the "after a write" cases measure the first list after
a write, which counts again.

    .venv/bin/python benchmarks/bench_findings_list.py --database-url postgres://postgres@localhost/bench_findings
        [--rows 1000000] [--requests 40] [--keep | --reuse] [--cache-url redis://127.0.0.1:6379/7]

The database (its name must start with `bench`) is created for the run and dropped after."""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from benchmarks import harness  # noqa: E402
from benchmarks.clocks import CpuClock  # noqa: E402

TARGET_MS = 100.0
AFTER_WRITE = "after a write: "  # cases whose every request follows a (simulated) write: no cached count


def cases(seed):
    """(label, query parameters) of every documented filter and sort."""
    return [
        ("default (severity desc)", {}),
        ("q[name]", {"q[name]": seed.check_name}),
        ("q[name] prefix*", {"q[name]": "Check 04*"}),
        ("q[nvt]", {"q[nvt]": seed.check_nvt}),
        ("q[cve]", {"q[cve]": seed.cve}),
        ("q[host]", {"q[host]": seed.host_ip}),
        ("q[port]", {"q[port]": "8443/tcp"}),
        ("q[severity_level]", {"q[severity_level]": "medium"}),
        ("q[status]", {"q[status]": "reopened"}),
        ("q[scan_id]", {"q[scan_id]": seed.scan_id}),
        ("sort_by=severity asc", {"sort_by": "severity asc"}),
        ("sort_by=last_seen desc", {"sort_by": "last_seen desc"}),
        ("sort_by=last_seen asc", {"sort_by": "last_seen asc"}),
        ("sort_by=name asc", {"sort_by": "name asc"}),
        ("sort_by=name desc", {"sort_by": "name desc"}),
        ("min_qod=0", {"min_qod": "0"}),
        ("severity_level + sort last_seen", {"q[severity_level]": "high", "sort_by": "last_seen desc"}),
        ("date range (last_seen, 2 days)", {"date_range_start": seed.two_days_ago}),
        ("date range + sort last_seen asc", {"date_range_start": seed.two_days_ago, "sort_by": "last_seen asc"}),
        (AFTER_WRITE + "default", {}),
        (AFTER_WRITE + "q[severity_level]", {"q[severity_level]": "medium"}),
        (AFTER_WRITE + "q[name] prefix*", {"q[name]": "Check 04*"}),
    ]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://.../bench_<name> (created and dropped)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="current findings to seed (default 1000000)")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per case (default 40)")
    parser.add_argument("--keep", action="store_true", help="keep the database (for EXPLAIN)")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left (no seeding)")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/7",
                        help="the shared cache holding list counts (default redis://127.0.0.1:6379/7)")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("PostgreSQL only (--database-url postgres://...)")
    return args


def main(argv=None):
    args = parse_args(argv)
    database = harness.ScratchDatabase(args.database_url, ROOT / "benchmarks" / "unused.sqlite3")
    if not args.reuse:
        database.create()
    os.environ["DATABASE_URL"] = database.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["CACHE_URL"] = args.cache_url
    try:
        import django

        django.setup()
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.management import call_command
        from django.db import connection

        from benchmarks.findings_seed import reuse_seed, seed_findings

        call_command("migrate", verbosity=0)
        if args.reuse:
            seed = reuse_seed()
        else:
            started = time.perf_counter()
            print(f"Seeding {args.rows} findings on {database.label} ...", flush=True)
            seed = seed_findings(args.rows)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
        bench = harness.Benchmark(0, 10)
        bench.handler = WSGIHandler()
        table = measure(bench, seed, args.requests, seed_organization())
        report(table, args, bench.server_version())
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            database.drop()


def seed_organization():
    from findings.models import Finding

    return Finding.objects.values_list("organization_id", flat=True).first()


def measure(bench, seed, requests, organization_id):
    from django.db import connection

    from findings.services.list_counts import findings_changed

    clock, table = CpuClock(), []
    for label, params in cases(seed):
        before = (lambda: findings_changed(organization_id)) if label.startswith(AFTER_WRITE) else (lambda: None)
        bench.cases[label] = ("/v2/vulnerabilities", params, seed.headers)
        status, body = bench.call(label, 10)
        if not status.startswith("200"):
            raise SystemExit(f"{label}: HTTP {status}: {body[:300]!r}")
        for _ in range(3):
            before()
            bench.call(label, 10)
        queries = []  # counted by a wrapper: request_started empties Django's own query log
        before()
        with connection.execute_wrapper(lambda execute, sql, *rest, seen=queries: seen.append(sql) or execute(sql, *rest)):
            bench.call(label, 10)
        timings, cpu = [], 0.0
        for _ in range(requests):
            before()
            cpu_start, start = clock.read(), time.perf_counter()
            bench.call(label, 10)
            timings.append((time.perf_counter() - start) * 1000)
            cpu += CpuClock.elapsed(cpu_start, clock.read()) or float("nan")
        timings.sort()
        p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
        table.append({"case": label, "p50_ms": statistics.median(timings), "p95_ms": p95, "queries": len(queries),
                      "cpu_ms": cpu / requests * 1000, "rows": len(json.loads(body)["data"])})
    return table


def report(table, args, server):
    print(f"\n{server}, {args.rows} current findings in one organization, per_page=10, {args.requests} requests per "
          f"case, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; CPU = this process + its "
          f"PostgreSQL backend per request\n")
    print(f"| {'case':40} | p50 ms | p95 ms | CPU ms | queries | verdict |")
    print(f"|{'-' * 42}|--------|--------|--------|---------|---------|")
    for row in table:
        verdict = "ok" if row["p95_ms"] < TARGET_MS else "SLOW"
        print(f"| {row['case']:40} | {row['p50_ms']:6.1f} | {row['p95_ms']:6.1f} | {row['cpu_ms']:6.1f} | "
              f"{row['queries']:7} | {verdict:7} |")


if __name__ == "__main__":
    main()

"""List-endpoint benchmark (issue #2): requests/s of `GET /v2/users?per_page=100` and
`GET /v2/organizations?per_page=100` on 10,000 rows, next to a bare Django `JsonResponse` view
over `.values()` of the same page, measured in the same run through the full WSGI handler.

    .venv/bin/python benchmarks/bench_lists.py [--database-url URL] [--rows 10000] [--seconds 5]

See benchmarks/README.md for what is measured and the latest figures."""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project root, not benchmarks/, comes first on the import path

from benchmarks import harness  # noqa: E402

TARGET = 0.60
DEFAULT_SQLITE = ROOT / "benchmarks" / "bench_lists.sqlite3"
BASELINES = ROOT / "benchmarks" / "baselines.json"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL whose database is created and dropped by "
                        "the benchmark, or sqlite:////path for a throwaway SQLite file (default: one under benchmarks/)")
    parser.add_argument("--rows", type=int, default=10_000, help="users and organizations to seed (default 10000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per case (default 5)")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds the time is split into (default 10)")
    parser.add_argument("--per-page", type=int, default=100, help="page size measured (default 100)")
    parser.add_argument("--save-baseline", action="store_true", help=f"record the figures in {BASELINES.name}")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH as JSON")
    parser.add_argument("--profile", metavar="CASE", help="after measuring, cProfile 300 requests of one case "
                        "(e.g. 'Admin users') and print the top functions")
    args = parser.parse_args(argv)
    if args.rows < 200 or args.seconds <= 0 or args.rounds < 1 or not 1 <= args.per_page <= 100:
        parser.error("need --rows >= 200, --seconds > 0, --rounds >= 1 and 1 <= --per-page <= 100")
    return args


def main(argv=None):
    args = parse_args(argv)
    database = harness.ScratchDatabase(args.database_url, DEFAULT_SQLITE)
    database.create()
    os.environ["DATABASE_URL"] = database.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    try:
        import django

        django.setup()
        bench = harness.Benchmark(args.rows, args.per_page)
        print(f"Seeding {args.rows} organizations and {args.rows} users on {database.label} ...", flush=True)
        bench.prepare()
        counts = bench.query_counts()
        results = bench.measure(args.seconds, args.rounds)
        rows = report(results, counts, args, database.label)
        if args.save_baseline:
            save_baseline(rows, args, database.label, bench.server_version())
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
        if args.profile:
            bench.profile(args.profile)
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()


def report(results, counts, args, label):
    print(f"\n{label}, {args.rows} rows, per_page={args.per_page}, {args.seconds:g}s per case in {args.rounds} "
          f"alternating rounds, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    header = (f"{'caller':8} {'endpoint':34} {'real req/s':>10} {'bare req/s':>10} {'ratio':>6} "
              f"{'rounds min/median/max':>21} {'CPU ratio':>9} {'queries 10/100: real':>20} {'bare':>5}  verdict")
    print(header)
    print("-" * len(header))
    rows, verdicts = [], []
    for pair in harness.PAIRS + harness.RESOURCE_PAIRS:
        real, bare = results[pair.real], results[pair.bare]
        ratio = real.rate / bare.rate
        rounds = sorted(real.round_ratios(bare))
        cpu_ratio = real.cpu_rate / bare.cpu_rate if real.cpu_rate and bare.cpu_rate else None
        q_real, q_bare = counts[pair.real], counts[pair.bare]
        constant = q_real[0] == q_real[1] and q_bare[0] == q_bare[1]
        verdict = "PASS" if ratio >= TARGET and constant else "BELOW TARGET"
        verdicts.append(verdict)
        spread = f"{rounds[0]:.0%}/{statistics.median(rounds):.0%}/{rounds[-1]:.0%}"
        print(f"{pair.caller:8} {pair.endpoint(args.per_page):34} {real.rate:10.1f} {bare.rate:10.1f} {ratio:6.1%} "
              f"{spread:>21} {_percent(cpu_ratio):>9} {q_real[0]:>16}/{q_real[1]:<3} {q_bare[0]:>3}/{q_bare[1]:<3} {verdict}")
        rows.append({
            "caller": pair.caller, "endpoint": pair.endpoint(args.per_page),
            "real_rps": round(real.rate, 1), "bare_rps": round(bare.rate, 1), "ratio": round(ratio, 3),
            "round_ratio_median": round(statistics.median(rounds), 3),
            "real_rps_per_cpu": _round(real.cpu_rate), "bare_rps_per_cpu": _round(bare.cpu_rate),
            "cpu_ratio": round(cpu_ratio, 3) if cpu_ratio else None,
            "queries_real_per_page_10_100": list(q_real), "queries_bare_per_page_10_100": list(q_bare),
        })
    overall = "PASS" if all(v == "PASS" for v in verdicts) else "BELOW TARGET"
    print(f"\n{overall}: target is >= {TARGET:.0%} of the bare view's requests/s with a query count "
          f"that does not grow with per_page")
    print("(ratio: total requests/s; CPU ratio: requests per CPU second of this process and its database "
          "server process, which a busy machine does not skew)")
    return rows


def _percent(value):
    return f"{value:.1%}" if value else "n/a"


def _round(value):
    return round(value, 1) if value else None


def save_baseline(rows, args, label, server_version):
    baselines = json.loads(BASELINES.read_text()) if BASELINES.exists() else {}
    baselines.setdefault("bench_lists", {})[label.split()[0].lower()] = {
        "measured_at": harness.now_iso(), "database": server_version, "machine": harness.machine(),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "rows": args.rows, "per_page": args.per_page, "seconds_per_case": args.seconds, "rounds": args.rounds,
        "target_ratio": TARGET, "results": rows,
    }
    BASELINES.write_text(json.dumps(baselines, indent=2, sort_keys=True) + "\n")
    print(f"Saved to {BASELINES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The load test's figures: per route requests, requests/s, p50/p95/p99/max and statuses; errors;
CPU time of the server processes and of their PostgreSQL backends (read from /proc, so what the
other programs of a busy machine took is left out); the verdict against the targets."""

import os
import statistics
from pathlib import Path

P99_TARGET = 1.0  # seconds


def _stats():
    """{pid: (ppid, utime + stime ticks)} of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table


class ProcessCpu:
    """CPU seconds of a process tree (gunicorn's master and workers) plus the PostgreSQL backends
    connected to one database, between start() and stop()."""

    def __init__(self, root_pid, database):
        self.root, self.database, self.tick = root_pid, database, 1 / os.sysconf("SC_CLK_TCK")

    def _backends(self):
        import psycopg

        with psycopg.connect("postgresql://postgres@localhost/postgres", autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                [self.database]).fetchall()
        return {pid for (pid,) in rows}

    def _read(self):
        table = _stats()
        tree, frontier = set(), {self.root}
        while frontier:
            tree |= frontier
            frontier = {pid for pid, (ppid, _) in table.items() if ppid in frontier} - tree
        server = {pid: table[pid][1] for pid in tree if pid in table}
        backends = {pid: table[pid][1] for pid in self._backends() if pid in table}
        return server, backends

    def start(self):
        self.before = self._read()

    def stop(self):
        after = self._read()
        return tuple(
            sum(ticks - before.get(pid, 0) for pid, ticks in now.items()) * self.tick
            for before, now in zip(self.before, after, strict=True)
        )


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(results, elapsed, args, load_before, load_after, cpu_seconds, problems):
    total = sum(len(v) for v in results.latencies.values())
    all_latencies = [x for v in results.latencies.values() for x in v]
    five_xx = sum(n for s in results.statuses.values() for status, n in s.items() if isinstance(status, int)
                  and status >= 500)
    print(f"\n{args.clients} clients, {elapsed:.1f} s, think time {args.think:g} s; gunicorn {args.workers} workers x "
          f"{args.threads} threads (gthread), {args.task_workers} task worker(s); load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after ({os.cpu_count()} cores)\n")
    header = f"{'route':22} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}  statuses"
    print(header)
    print("-" * len(header))
    routes = {}
    for route in sorted(results.statuses):
        latencies = results.latencies.get(route, [])
        row = {"requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
               **{f"p{p}_ms": round(_percentile(latencies, p / 100) * 1000, 1) for p in (50, 95, 99)},
               "max_ms": round(max(latencies, default=0) * 1000, 1),
               "statuses": {str(k): v for k, v in sorted(results.statuses[route].items(), key=str)}}
        routes[route] = row
        print(f"{route:22} {row['requests']:8} {row['rps']:7.1f} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} "
              f"{row['p99_ms']:7.1f} {row['max_ms']:7.1f}  {row['statuses']}")
    p99 = _percentile(all_latencies, 0.99)
    print(f"{'all':22} {total:8} {total / elapsed:7.1f} {_percentile(all_latencies, .5) * 1000:7.1f} "
          f"{_percentile(all_latencies, .95) * 1000:7.1f} {p99 * 1000:7.1f} {max(all_latencies, default=0) * 1000:7.1f}")
    server_cpu, database_cpu = cpu_seconds
    print(f"\nCPU: gunicorn {server_cpu:.1f} s, PostgreSQL backends {database_cpu:.1f} s "
          f"= {(server_cpu + database_cpu) / max(total, 1) * 1000:.1f} ms per request "
          f"(the machine's {os.cpu_count()} cores x {elapsed:.0f} s = {os.cpu_count() * elapsed:.0f} CPU s)")
    print(f"errors: {len(results.errors)} ({five_xx} 5xx)")
    for route, what in results.errors[:15]:
        print(f"  {route}: {what}")
    print(f"consistency: {len(results.created_targets)} targets and {len(results.created_scans)} scans created, "
          f"{len(results.started_scans)} scans started: " + ("the database agrees" if not problems else "PROBLEMS"))
    for problem in problems:
        print(f"  {problem}")
    verdict = "PASS" if not results.errors and not problems and p99 < P99_TARGET else "BELOW TARGET"
    print(f"\n{verdict}: target 0 errors, 0 5xx, p99 < {P99_TARGET:g} s, the database holds what clients created")
    return {"clients": args.clients, "seconds": round(elapsed, 1), "think": args.think, "workers": args.workers,
            "threads": args.threads, "load_average": [round(load_before[0], 1), round(load_after[0], 1)],
            "requests": total, "rps": round(total / elapsed, 1), "p50_ms": round(statistics.median(all_latencies) * 1000, 1)
            if all_latencies else None, "p99_ms": round(p99 * 1000, 1), "errors": len(results.errors),
            "five_xx": five_xx, "cpu_seconds": {"gunicorn": round(server_cpu, 1), "postgres": round(database_cpu, 1)},
            "routes": routes, "problems": problems, "verdict": verdict}

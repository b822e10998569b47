"""The list benchmark stays runnable (one command, its own settings and throwaway database), and
what it checks holds on a small data set: every list endpoint answers the same page as the bare
view, with a query count that does not grow with per_page."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_lists_runs_and_query_counts_are_constant(tmp_path):
    database, figures = tmp_path / "bench.sqlite3", tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_lists.py"), "--rows", "200", "--seconds", "0.2",
         "--rounds", "1", "--database-url", f"sqlite:///{database}", "--json", str(figures)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "PASS:" in result.stdout or "BELOW TARGET:" in result.stdout
    rows = json.loads(figures.read_text())
    assert {(row["caller"], row["endpoint"]) for row in rows} == {
        (caller, f"GET /v2/{resource}?per_page=100")
        for caller in ("Admin", "Partner") for resource in ("users", "organizations")
    } | {("Manager", f"GET /v2/{resource}?per_page=100") for resource in ("targets", "scans", "vulnerabilities", "hosts")
         } | {("Manager", "GET /v2/scans/{scan}/histories?per_page=100")}
    for row in rows:
        small, large = row["queries_real_per_page_10_100"]
        assert small == large, row
        assert row["real_rps"] > 0 and row["bare_rps"] > 0
    assert not database.exists()  # the throwaway database is removed

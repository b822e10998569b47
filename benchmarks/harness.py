"""The machinery of bench_lists.py: a scratch database, WSGI calls through the full Django
handler, the alternating measurement rounds, query counts and machine facts. Django is imported
lazily: this module is loaded before settings are configured."""

import io
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.clocks import CpuClock


@dataclass(frozen=True)
class Pair:
    caller: str
    resource: str
    path: str = ""  # the real route when it is not /v2/<resource> ({scan}: the seeded scan's id)

    @property
    def real(self):
        return f"{self.caller} {self.resource}"

    @property
    def bare(self):
        return f"bare {self.resource}" + (" (partner scope)" if self.caller == "Partner" else "")

    def endpoint(self, per_page):
        return f"GET {self.path or '/v2/' + self.resource}?per_page={per_page}"


PAIRS = [Pair(caller, resource) for caller in ("Admin", "Partner") for resource in ("users", "organizations")]
# The scanning and findings lists, as a customer's Manager sees them (organization and product).
RESOURCE_PAIRS = [Pair("Manager", "targets"), Pair("Manager", "scans"),
                  Pair("Manager", "histories", "/v2/scans/{scan}/histories"),
                  Pair("Manager", "vulnerabilities"), Pair("Manager", "hosts")]


@dataclass
class Result:
    requests: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    cpu_seconds: list = field(default_factory=list)  # None where the CPU time could not be read

    @property
    def rate(self):
        """Requests per wall-clock second."""
        return sum(self.requests) / sum(self.seconds)

    @property
    def cpu_rate(self):
        """Requests per CPU second (this process and its database backend), or None."""
        if not self.cpu_seconds or None in self.cpu_seconds:
            return None
        return sum(self.requests) / sum(self.cpu_seconds)

    def round_ratios(self, other):
        return [(n / s) / (n2 / s2) for n, s, n2, s2 in zip(self.requests, self.seconds, other.requests, other.seconds,
                                                         strict=True)]


class ScratchDatabase:
    """A throwaway SQLite file, or a PostgreSQL database created for the run and dropped after."""

    def __init__(self, url, sqlite_path):
        scheme = url.split(":", 1)[0] if url else "sqlite"
        self.postgres = scheme in ("postgres", "postgresql", "pgsql")
        if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
            raise SystemExit("--database-url must be a postgres:// or sqlite:////absolute/path URL")
        if scheme == "sqlite" and url:
            sqlite_path = urlsplit(url).path.replace("//", "/")
        self.sqlite_path = Path(sqlite_path)
        self.url = url if self.postgres else f"sqlite:///{self.sqlite_path}"
        self.name = urlsplit(url).path.lstrip("/") if self.postgres else None
        self.label = f"PostgreSQL database {self.name}" if self.postgres else f"SQLite file {self.sqlite_path.name}"

    def _admin(self, statement):
        import psycopg

        parts = urlsplit(self.url)
        maintenance = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
        with psycopg.connect(maintenance, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
            if statement == "create" and exists and not self.name.startswith("bench"):
                raise SystemExit(f"Database {self.name!r} exists; the benchmark only replaces databases "
                                 "whose name starts with 'bench'")
            if exists:
                conn.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')
            if statement == "create":
                conn.execute(f'CREATE DATABASE "{self.name}"')

    def create(self):
        if self.postgres:
            self._admin("create")
        else:
            self.drop()

    def drop(self):
        if self.postgres:
            self._admin("drop")
            return
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)


class Benchmark:
    def __init__(self, rows, per_page, pairs=None):
        self.rows, self.per_page = rows, per_page
        self.pairs = pairs or PAIRS + RESOURCE_PAIRS
        self.cases = {}

    def prepare(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.management import call_command
        from django.db import connection

        from benchmarks import urls
        from benchmarks.seed import seed
        from benchmarks.seed_resources import seed_resources

        call_command("migrate", verbosity=0)
        seeded = seed(self.rows)
        manager, scan_id = seed_resources(self.rows, seeded.api_key)
        with connection.cursor() as cursor:
            # Planner statistics and (PostgreSQL) the visibility map, as autovacuum keeps them on a
            # live database; without them fresh bulk-loaded tables get poor plans and slow counts.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        urls.SCOPES["partner"] = seeded.partner_scope
        urls.SCOPES["manager"] = {"organization_id": manager.user.organization_id, "product": manager.user.active_product}
        self.handler = WSGIHandler()
        callers = {"Admin": seeded.admin, "Partner": seeded.partner, "Manager": manager}
        for pair in self.pairs:
            path = (pair.path or "/v2/" + pair.resource).format(scan=scan_id)
            self.cases[pair.real] = (path, {}, callers[pair.caller].headers)
            scope = {"Partner": {"scope": "partner"}, "Manager": {"scope": "manager", "scan": scan_id}}
            self.cases[pair.bare] = ("/bench/" + pair.resource, scope.get(pair.caller, {}), {})
        self._check_same_pages()

    def call(self, case, per_page=None):
        path, query, headers = self.cases[case]
        query = {**query, "per_page": per_page or self.per_page}
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "&".join(f"{k}={v}" for k, v in query.items()),
            "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_ACCEPT": "application/json", "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0), "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False, **headers,
        }
        status = []
        response = self.handler(environ, lambda s, h, exc_info=None: status.append(s))
        try:
            body = b"".join(response)
        finally:
            response.close()  # request_finished: what a WSGI server does after each response
        return status[0], body

    def _page_ids(self, case, per_page):
        status, body = self.call(case, per_page)
        if not status.startswith("200"):
            raise SystemExit(f"{case}: HTTP {status}: {body[:300]!r}")
        return [row["id"] for row in json.loads(body)["data"]]

    def _check_same_pages(self):
        for pair in self.pairs:
            real, bare = self._page_ids(pair.real, self.per_page), self._page_ids(pair.bare, self.per_page)
            if real != bare or not real:
                raise SystemExit(f"{pair.real}: the real and bare pages differ ({len(real)} vs {len(bare)} rows)")

    def query_counts(self):
        """Queries per request at per_page=10 and per_page=100, by case."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = {}
        for case in self.cases:
            counts[case] = []
            for per_page in (10, 100):
                with CaptureQueriesContext(connection) as queries:
                    self.call(case, per_page)
                counts[case].append(len(queries))
        return counts

    def measure(self, seconds, rounds):
        """Every case runs seconds/rounds at a time, in alternation, so that drift (CPU frequency,
        neighbours, cache warm-up) falls on all cases alike."""
        results = {case: Result() for case in self.cases}
        for case in self.cases:  # warm-up: imports, caches, connection
            for _ in range(30):
                self.call(case)
        slice_ = seconds / rounds
        clock = CpuClock()
        for _round in range(rounds):
            for case in self.cases:
                cpu_start = clock.read()
                count, start = 0, time.perf_counter()
                deadline = start + slice_
                while True:
                    self.call(case)
                    count += 1
                    now = time.perf_counter()
                    if now >= deadline:
                        break
                results[case].requests.append(count)
                results[case].seconds.append(now - start)
                results[case].cpu_seconds.append(clock.elapsed(cpu_start, clock.read()))
        return results

    def profile(self, case, requests=300):
        import cProfile
        import pstats

        if case not in self.cases:
            raise SystemExit(f"--profile: unknown case {case!r} (one of: {', '.join(self.cases)})")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            self.call(case)
        profiler.disable()
        print(f"\nProfile of {requests} requests, {case}:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)

    def server_version(self):
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                return f"PostgreSQL {cursor.fetchone()[0]}"
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"


def machine():
    import django
    import rest_framework

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(), "cpu": cpu, "os": platform.platform(), "python": platform.python_version(),
        "django": django.get_version(), "djangorestframework": rest_framework.VERSION,
    }


def now_iso():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""Load test (issue #16): the production setup on this machine (gunicorn + PostgreSQL + Redis cache,
and a task worker) driven by N concurrent clients over several organizations for S seconds; then
requests/s, p50/p95/p99 per route, errors, and a check that the database holds what clients
created.

    .venv/bin/python benchmarks/load_test.py [--clients 200] [--seconds 60] [--workers 4] [--threads 8]

See benchmarks/README.md ("API under load") for what is measured and the latest figures."""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from benchmarks import harness, load_report  # noqa: E402
from benchmarks.load_client import drive  # noqa: E402

PASSWORD = "load-test-password-1"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@localhost/bench_load",
                        help="a PostgreSQL database created and dropped by the test (its name must start with bench)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6", help="the shared cache (CACHE_URL)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds a client waits between requests")
    parser.add_argument("--ramp", type=float, default=20.0,
                        help="seconds over which the clients arrive (each signs in on arrival; default 20)")
    parser.add_argument("--signing-in", type=float, default=0.25,
                        help="share of clients that sign in on arrival; the others return with a token from an "
                        "earlier sign-in (default 0.25; a sign-in costs ~0.02 CPU s of Argon2 by design)")
    parser.add_argument("--organizations", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread worker class)")
    parser.add_argument("--task-workers", type=int, default=1, help="db_worker processes running the scans")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH")
    return parser.parse_args(argv)


def server_environment(args, database_url):
    return {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "false",
        "CACHE_URL": f"{args.redis_url}?key_prefix=load-{uuid.uuid4().hex[:8]}", "LOG_LEVEL": "WARNING",
        # Every client connects from 127.0.0.1: one address's pre-sign-in rate, and its count of
        # sign-ins in flight at once (counted as failures until they succeed), would be all of
        # theirs together. Per user, the production limits stay.
        "THROTTLE_ANON_RATE": "100000/min", "SIGN_IN_IP_MAX_FAILURES": "100000", "SCAN_USE_NMAP": "false", "PYTHONUNBUFFERED": "1",
    }


def start_processes(args, env, port):
    python = sys.executable
    web = [python, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
           "--worker-class", "gthread", "--threads", str(args.threads), "--keep-alive", "75",
           "--backlog", "2048", "--timeout", "120", "--no-control-socket"]
    commands = [web] + [[python, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"]] * args.task_workers
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,  # noqa: S603
                                  stdout=subprocess.DEVNULL, stderr=None) for command in commands]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            import socket

            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return processes
        except OSError:
            time.sleep(0.2)
    stop(processes)
    raise SystemExit("gunicorn did not start")


def stop(processes):
    import signal

    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main(argv=None):
    args = parse_args(argv)
    database = harness.ScratchDatabase(args.database_url, "unused.sqlite3")
    if not database.postgres:
        raise SystemExit("the load test runs on PostgreSQL (--database-url postgres://...)")
    database.create()
    env = server_environment(args, database.url)
    os.environ.update(env)
    processes = []
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from benchmarks import load_seed

        call_command("migrate", verbosity=0)
        print(f"Seeding {args.organizations} organizations ...", flush=True)
        accounts, api_key = load_seed.seed(args.organizations, PASSWORD)
        tokens = load_seed.earlier_sessions(accounts, args.clients, args.signing_in)
        connections.close_all()
        port = args.port or harness_free_port()
        processes = start_processes(args, env, port)
        cpu = load_report.ProcessCpu(processes[0].pid, database.name)
        load_before = os.getloadavg()
        print(f"Driving {args.clients} clients for {args.seconds:g} s against gunicorn ({args.workers} workers x "
              f"{args.threads} threads) ...", flush=True)
        cpu.start()
        results, elapsed = asyncio.run(drive(accounts, api_key, tokens, "127.0.0.1", port, args.clients, args.seconds,
                                             args.think, args.ramp))
        cpu_seconds = cpu.stop()
        stop(processes)
        problems = load_seed.check(results)
        figures = load_report.report(results, elapsed, args, load_before, os.getloadavg(), cpu_seconds, problems)
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
        return 0 if figures["verdict"] == "PASS" else 1
    finally:
        stop(processes)
        from django.db import connections

        connections.close_all()
        database.drop()


def harness_free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())

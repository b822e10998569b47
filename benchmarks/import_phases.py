"""`manage.py import_report` with the wall and CPU time of its phases (bench_imports.py --phases):
where an import's time goes, ingestion (store_batches, finalize) versus everything else (the start,
waiting for the reader child, the commit). Same arguments and environment as the command; the
phases go to stderr, one line each, then a summary line starting with "phases:".

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=benchmarks.settings \\
        .venv/bin/python benchmarks/import_phases.py FILE --scan ID --format nessus"""

import resource
import sys
import time
from pathlib import Path

START = time.perf_counter()
sys.path[0] = str(Path(__file__).resolve().parent.parent)


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    import django

    marks = []

    def mark(name):
        marks.append((name, time.perf_counter() - START, cpu()))

    django.setup()
    mark("django.setup")
    from findings.importers import pipeline
    from findings.services import imports
    from scanning.services import execution

    spent = {"batches": 0.0, "reader": 0.0, "finish": 0.0, "count": 0}
    store_batches, finish, iterate = imports.store_batches, execution.finish, pipeline.HostReader.__iter__

    def timed_store(run, batches):
        """The ingestion's time: store_batches' own, without the waits on the reader inside it."""
        started, waited = time.perf_counter(), spent["reader"]

        def counted():
            for batch in batches:
                if not spent["count"]:
                    mark("first batch")
                spent["count"] += 1
                yield batch

        store_batches(run, counted())
        spent["batches"] += time.perf_counter() - started - (spent["reader"] - waited)

    def timed_finish(*args, **kwargs):
        started = time.perf_counter()
        mark("finalize")
        try:
            return finish(*args, **kwargs)
        finally:
            spent["finish"] += time.perf_counter() - started
            mark("finalized")

    def timed_iterate(reader):
        hosts = iterate(reader)
        while True:
            started = time.perf_counter()
            try:
                host = next(hosts)
            except StopIteration:
                return
            finally:
                spent["reader"] += time.perf_counter() - started
            yield host

    imports.store_batches, execution.finish, pipeline.HostReader.__iter__ = timed_store, timed_finish, timed_iterate
    from django.core.management import ManagementUtility

    try:
        ManagementUtility(["manage.py", "import_report", *sys.argv[1:]]).execute()
    finally:
        mark("done")
        for name, wall, seconds in marks:
            print(f"{wall:7.2f} s  CPU {seconds:6.2f} s  {name}", file=sys.stderr)
        total = marks[-1][1]
        ingestion = spent["batches"] + spent["finish"]
        print(f"phases: start {dict((m[0], m[1]) for m in marks).get('first batch', 0):.2f} s to the first batch, "
              f"{spent['count']} batches {spent['batches']:.2f} s, finalize {spent['finish']:.2f} s, waiting on the reader "
              f"{spent['reader']:.2f} s; ingestion {ingestion:.2f} s of {total:.2f} s ({100 * ingestion / total:.0f} %)",
              file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()

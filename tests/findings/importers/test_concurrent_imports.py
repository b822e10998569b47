"""Two imports into one scan at once (PostgreSQL: two clients): the second waits for the first's
transaction (the scan's row is locked while a run is opened) and is then recorded after it, or
refused with 409 while the first is a queued run; never two runs stored over each other
(docs/imports.md)."""

import threading
import time

import pytest
from django.db import connection, connections

from config.api.errors import Conflict
from findings.models import Result
from findings.services import imports
from scanning.models import ScanRun
from tests.scanning.factories import ScanFactory, TargetFactory

from .test_import_api import DATA, HOSTS

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.mark.django_db(transaction=True)
def test_two_imports_into_one_scan_at_once_are_recorded_one_after_the_other(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time")
    scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))
    first_storing, release = threading.Event(), threading.Event()

    def slow_store(run, batches, store=imports.store_batches):
        def held():
            for batch in batches:
                first_storing.set()
                release.wait(10)
                yield batch

        store(run, held() if threading.current_thread().name == "first" else batches)

    monkeypatch.setattr(imports, "store_batches", slow_store)
    outcomes = {}

    def run_import(name):
        try:
            outcomes[name] = imports.import_report(scan, DATA / "nessus_v2.nessus", "nessus").status
        except Conflict as exc:
            outcomes[name] = f"409 {exc}"
        finally:
            connections.close_all()

    first = threading.Thread(target=run_import, args=("first",), name="first")
    first.start()
    assert first_storing.wait(10)
    second = threading.Thread(target=run_import, args=("second",), name="second")
    second.start()
    time.sleep(0.5)
    assert second.is_alive()  # waiting on the scan's row the first import holds
    release.set()
    first.join(20)
    second.join(20)
    assert outcomes == {"first": "done", "second": "done"}
    runs = list(ScanRun.objects.filter(scan=scan).order_by("created_at"))
    assert [run.status for run in runs] == ["done", "done"]
    assert Result.objects.filter(run=runs[0]).count() == Result.objects.filter(run=runs[1]).count() == 7

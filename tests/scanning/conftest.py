"""Scanning fixtures: the demo plan catalogue, subscriptions for the `world` organizations, the
built-in port lists/scanner/profiles, and helpers to run the real task workers.

Transactional tests (workers in threads and processes) leave a flushed database behind, without
the rows data migrations seed (products, built-ins): these fixtures seed them again, idempotently.
(serialized_rollback is no way out: other transactional tests' flushes re-create content types
with new ids, and restoring the serialized ones then fails.)

SCAN_BLOCKED_NETWORKS is "" for the whole suite (tests/settings.py), so 127.0.0.1 may be
scanned; tests of the default blocked networks set it back to None with `settings`."""

import contextlib
import signal
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, connections

from organizations.catalogue import seed_catalogue
from organizations.models import Plan
from organizations.services.subscriptions import PlanRequest, subscribe
from scanning.builtins import sync_builtins
from scanning.models import PortList, Scanner, ScanProfile, ScanRun


@pytest.fixture
def builtins(db):
    sync_builtins(PortList, Scanner, ScanProfile)
    return {
        "port_list": PortList.objects.get(predefined=True, name="All IANA assigned TCP"),
        "scanner": Scanner.objects.get(predefined=True, type="builtin"),
        "profile": ScanProfile.objects.get(name="Full and fast"),
    }


def ensure_products():
    """The products a data migration seeds: a transactional test's flush removed them."""
    from importlib import import_module

    from django.apps import apps

    import_module("organizations.migrations.0003_seed_products").seed(apps, None)


@pytest.fixture
def catalogue(db):
    ensure_products()
    seed_catalogue()
    return {plan.code: plan for plan in Plan.objects.select_related("product")}


@pytest.fixture
def subscribed(world, catalogue, builtins):
    """Customer: pci-standard (16 IPs, 2 concurrent scans) and vrms-standard; partner:
    pci-partner and vrms-standard; the unrelated organization: pci-standard."""

    def give(organization, code):
        return subscribe(None, organization, PlanRequest(plan=catalogue[code]))

    return {
        "customer_pci": give(world.customer, "pci-standard"),
        "customer_vrms": give(world.customer, "vrms-standard"),
        "partner_pci": give(world.partner_org, "pci-partner"),
        "partner_vrms": give(world.partner_org, "vrms-standard"),
        "other_pci": give(world.other_org, "pci-standard"),
    }


@pytest.fixture
def client_of(api, subscribed):
    """client_of(user): an API client signed in as `user` (subscriptions in place)."""
    return api.as_user


# --- workers --------------------------------------------------------------------------------


@contextlib.contextmanager
def _kept_signal_handlers():
    """db_worker installs SIGINT/SIGTERM handlers in the main thread; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_db_worker_batch():
    """The real `manage.py db_worker`: every queued task, then exit."""
    with _kept_signal_handlers():
        call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload",
                     "--interval", "0", verbosity=0)


class WorkerThread:
    """django-tasks-db's Worker loop (what `db_worker` runs) in a thread, serving every queue."""

    def __init__(self):
        import threading

        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(queue_names=["*"], interval=0.1, batch=False, backend_name="default",
                             startup_delay=False, max_tasks=None, worker_id=f"test-{uuid.uuid4().hex[:12]}",
                             excluded_queue_names=[])
        self.thread = threading.Thread(target=self._run, daemon=True, name="db-worker")
        self.error = None

    def _run(self):
        try:
            self.worker.run()
        except BaseException as exc:  # reported by stop()
            self.error = exc
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self, timeout=30):
        self.worker.running = False
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the worker did not finish its task in time"
        if self.error is not None:
            raise self.error


def wait_for(predicate, timeout=20.0, interval=0.05, message="condition"):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def run_status(run_id):
    return ScanRun.objects.filter(pk=run_id).values_list("status", flat=True).first()


def database_url():
    """A DATABASE_URL for a subprocess that opens the test database this test uses."""
    from urllib.parse import quote

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = quote(settings["USER"] or "")
    if settings.get("PASSWORD"):
        auth += ":" + quote(settings["PASSWORD"])
    host = settings.get("HOST") or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{settings['NAME']}"

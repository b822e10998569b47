"""The periodic jobs: one list (operations/periodic.py) that `run_scheduler` runs, each job the
service its management command calls; and the dependency rule that keeps demo seeding and the
scheduler above the domain apps."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from events.models import AuditEvent
from operations.periodic import DAILY, EVERY_TICK, JOBS, due_jobs
from tests.scanning.conftest import _kept_signal_handlers

REPO = Path(__file__).resolve().parent.parent.parent
DOMAIN_APPS = ("accounts", "organizations", "scanning", "findings", "reports", "events", "config")


def test_one_list_of_every_periodic_job():
    assert {job.name for job in JOBS} == {"scheduled scans", "run reconciler", "exception expiry", "subscription lifecycle",
                                          "overdue PCI reminder", "audit pruning"}
    for job in JOBS:
        assert callable(import_string(job.function)), job.function
        assert job.every in (EVERY_TICK, DAILY)


def test_daily_jobs_run_once_a_day_and_tick_jobs_every_tick():
    now = timezone.now()
    daily = {job.name for job in JOBS if job.every == DAILY}
    assert {job.name for job in due_jobs(now, {})} == {job.name for job in JOBS}
    ran = {job.name: now for job in JOBS}
    assert daily.isdisjoint(job.name for job in due_jobs(now + timedelta(hours=23), ran))
    assert daily <= {job.name for job in due_jobs(now + timedelta(hours=24), ran)}


@pytest.mark.django_db(transaction=True)  # the command recycles connections
def test_run_scheduler_runs_the_daily_jobs_too(world, capsys, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = AuditEvent.objects.create(action="update", resource_type="user", source="api")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    with _kept_signal_handlers():
        call_command("run_scheduler", "--once")
    out = capsys.readouterr().out
    assert "subscriptions: {'expired': 0, 'renewed': 0}" in out
    assert "pruned 1 audit event(s)" in out and "overdue PCI reminder(s)" in out
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_domain_apps_never_import_the_demo_or_the_scheduler():
    offenders = []
    for app in DOMAIN_APPS:
        for path in (REPO / app).rglob("*.py"):
            if re.search(r"^\s*(from|import)\s+(demo|operations)\b", path.read_text(), re.M):
                offenders.append(str(path.relative_to(REPO)))
    assert not offenders, offenders


def test_organizations_reaches_users_only_through_get_user_model():
    """Dependencies run one way: accounts builds on organizations, never the reverse."""
    offenders = [
        str(path.relative_to(REPO)) for path in (REPO / "organizations").rglob("*.py")
        if "migrations" not in path.parts and re.search(r"^\s*(from|import)\s+accounts\b", path.read_text(), re.M)
    ]
    assert not offenders, offenders

"""The scanning admin: start/stop actions through the services, read-only runs, the pages load."""

import pytest
from django.test import Client

from scanning.models import ScanRun

from .factories import (
    PortListFactory,
    RunHostFactory,
    ScanFactory,
    ScannerFactory,
    ScanRunFactory,
    ScheduleFactory,
    TargetFactory,
)

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def staff(world):
    client = Client()
    client.force_login(world.admin)
    return client


def act(client, action, scans):
    return client.post("/admin/scanning/scan/", {"action": action, "_selected_action": [str(s.pk) for s in scans]}, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_start_action(staff, world, django_capture_on_commit_callbacks):
    scans = [ScanFactory(organization=world.customer) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff, "start", scans)
    assert response.status_code == 200
    assert "2 scan(s) started." in messages_of(response)
    assert sorted(ScanRun.objects.values_list("status", flat=True)) == ["queued", "queued"]
    assert set(ScanRun.objects.values_list("triggered_by", flat=True)) == {"user"}


def test_start_action_reports_refusals(staff, world):
    busy = ScanFactory(organization=world.customer, name="Busy one")
    ScanRunFactory(scan=busy, status="running")
    idle = ScanFactory(organization=world.customer)
    response = act(staff, "start", [busy, idle])
    shown = messages_of(response)
    assert any(m.startswith("Busy one:") and "already" in m for m in shown), shown
    assert "1 scan(s) started." in shown
    assert ScanRun.objects.filter(scan=busy).count() == 1


def test_start_action_respects_the_plan_limit(staff, world):
    """pci-standard: 2 concurrent scans; the third is started too, and waits queued for a slot."""
    scans = [ScanFactory(organization=world.customer) for _ in range(3)]
    shown = messages_of(act(staff, "start", scans))
    assert "3 scan(s) started." in shown, shown


def test_stop_action(staff, world):
    running = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="running")
    idle = ScanFactory(organization=world.customer, name="Idle one")
    shown = messages_of(act(staff, "stop", [running.scan, idle]))
    assert "1 scan(s) asked to stop." in shown
    assert any(m.startswith("Idle one:") for m in shown)
    running.refresh_from_db()
    assert running.status == "stop_requested"


def test_runs_are_read_only(staff, world):
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="interrupted", error="heartbeat lost")
    RunHostFactory(run=run)
    page = staff.get(f"/admin/scanning/scanrun/{run.pk}/change/")
    assert page.status_code == 200
    assert b"heartbeat lost" in page.content
    staff.post(f"/admin/scanning/scanrun/{run.pk}/change/", {"status": "done"})
    run.refresh_from_db()
    assert run.status == "interrupted"
    assert staff.get("/admin/scanning/scanrun/add/").status_code == 403


@pytest.mark.parametrize("model", ["target", "scan", "scanrun", "schedule", "portlist", "scanner", "scanprofile"])
def test_pages_load(staff, world, model):
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer,
                                          schedule=ScheduleFactory(organization=world.customer),
                                          target=TargetFactory(organization=world.customer, port_list=PortListFactory())))
    ScannerFactory(organization=world.customer)
    assert staff.get(f"/admin/scanning/{model}/").status_code == 200
    row = {"scan": run.scan, "scanrun": run, "target": run.scan.target, "schedule": run.scan.schedule,
           "portlist": run.scan.target.port_list, "scanner": run.scan.scanner, "scanprofile": run.scan.scan_profile}[model]
    assert staff.get(f"/admin/scanning/{model}/{row.pk}/change/").status_code == 200

"""Start/stop through the API, the run lists (upcoming, recent, running), histories and hosts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from scanning.models import ScanRun
from tests.api_mixins import assert_error, assert_list_envelope

from .factories import RunHostFactory, ScanFactory, ScannerFactory, ScanRunFactory, ScheduleFactory

pytestmark = pytest.mark.usefixtures("subscribed")


def start(client, scan, capture):
    with capture(execute=True):
        return client.post(f"/v2/scans/{scan.pk}/start")


def test_start_queues_a_run(api, world, django_capture_on_commit_callbacks):
    scan = ScanFactory(organization=world.customer)
    response = start(api.as_user(world.user), scan, django_capture_on_commit_callbacks)
    assert response.status_code == 200, response.content
    run = response.json()["data"]
    assert run["type"] == "scan_history"
    assert run["attributes"]["triggered_by"] == "user"
    # Handed to the queue once the start commits (here: when the captured callbacks ran).
    run = api.as_user(world.user).get(f"/v2/scans/{scan.pk}/histories/{run['id']}").json()["data"]
    assert run["attributes"]["status"] == "queued" and run["attributes"]["queued_at"]
    task = DBTaskResult.objects.get()
    assert task.queue_name == "scans" and task.args_kwargs["args"] == [run["id"]]
    scan.refresh_from_db()
    assert (scan.status, scan.run_count, str(scan.last_history_id)) == ("queued", 1, run["id"])


def test_run_goes_to_its_scanners_queue(api, world, django_capture_on_commit_callbacks):
    scanner = ScannerFactory(organization=world.customer, queue_name="dmz")
    start(api.as_user(world.user), ScanFactory(organization=world.customer, scanner=scanner), django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.get().queue_name == "dmz"


def test_api_key_only_callers_are_recorded_as_api(api, world, django_capture_on_commit_callbacks):
    from accounts.services.api_keys import create_api_key
    from tests.conftest import ApiClient

    _key, secret = create_api_key(name="ci", organization=world.customer, user=world.user)
    scan = ScanFactory(organization=world.customer)
    response = start(ApiClient(secret), scan, django_capture_on_commit_callbacks)
    assert response.json()["data"]["attributes"]["triggered_by"] == "api"


@pytest.mark.parametrize("status", ["requested", "queued", "running", "stop_requested"])
def test_start_while_active_is_409(api, world, status):
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer), status=status)
    assert_error(api.as_user(world.user).post(f"/v2/scans/{run.scan_id}/start"), 409)
    assert ScanRun.objects.count() == 1


def test_stop(api, world, django_capture_on_commit_callbacks):
    scan = ScanFactory(organization=world.customer)
    client = api.as_user(world.user)
    assert_error(client.post(f"/v2/scans/{scan.pk}/stop"), 409)  # nothing runs
    run_id = start(client, scan, django_capture_on_commit_callbacks).json()["data"]["id"]
    stopped = client.post(f"/v2/scans/{scan.pk}/stop").json()["data"]  # no worker took it yet: stops at once
    assert (stopped["id"], stopped["attributes"]["status"], stopped["attributes"]["partial"]) == (run_id, "stopped", True)
    assert_error(client.post(f"/v2/scans/{scan.pk}/stop"), 409)
    running = ScanRunFactory(scan=scan, status="running")
    assert client.post(f"/v2/scans/{scan.pk}/stop").json()["data"]["attributes"]["status"] == "stop_requested"
    assert client.get(f"/v2/scans/{scan.pk}").json()["data"]["attributes"]["status"] == "stop_requested"
    assert_error(client.post(f"/v2/scans/{scan.pk}/stop"), 409)
    running.refresh_from_db()
    assert running.status == "stop_requested"


def test_start_and_stop_access(api, world):
    mine, foreign = ScanFactory(organization=world.customer), ScanFactory(organization=world.other_org)
    for verb in ("start", "stop"):
        assert_error(api.as_user(world.user).post(f"/v2/scans/{foreign.pk}/{verb}"), 404)
        assert_error(api.as_user(world.user).post(f"/v2/scans/not-a-uuid/{verb}"), 404)
        assert_error(api.as_user(world.viewer).post(f"/v2/scans/{mine.pk}/{verb}"), 403)
        assert_error(api.post(f"/v2/scans/{mine.pk}/{verb}"), 401)
    assert not ScanRun.objects.exists()


def test_concurrent_scans_limit_queues_the_next_run(api, world, django_capture_on_commit_callbacks, monkeypatch):
    """pci-standard allows 2 concurrent scans per organization: a third start is accepted and its
    run waits in `queued`, without a task, until a slot frees up; then it is handed over."""
    from scanning.services import runs

    sent = []
    monkeypatch.setattr(runs, "send_to_queue", lambda run: sent.append(run.scan_id))
    client = api.as_user(world.user)
    scans = [ScanFactory(organization=world.customer) for _ in range(3)]
    for scan in scans:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/v2/scans/{scan.pk}/start").status_code == 200
    assert sent == [scans[0].pk, scans[1].pk]
    waiting = ScanRun.objects.get(scan=scans[2])
    assert (waiting.status, waiting.dispatched_at) == ("queued", None)
    assert client.get(f"/v2/scans/{scans[2].pk}").json()["data"]["attributes"]["status"] == "queued"
    first = ScanRun.objects.get(scan=scans[0])
    ScanRun.objects.filter(pk=first.pk).update(status="running")
    runs.redeal_slots()
    assert sent == [scans[0].pk, scans[1].pk]  # still two holding slots
    ScanRun.objects.filter(pk=first.pk).update(status="done")
    runs.redeal_slots()
    assert sent == [scans[0].pk, scans[1].pk, scans[2].pk]
    assert ScanRun.objects.get(scan=scans[2]).dispatched_at is not None


def test_the_scanners_max_concurrent_scans_holds_too(api, world, django_capture_on_commit_callbacks, monkeypatch):
    from scanning.services import runs

    sent = []
    monkeypatch.setattr(runs, "send_to_queue", lambda run: sent.append(run.scan_id))
    scans = [ScanFactory(organization=world.customer) for _ in range(2)]
    scanner = scans[0].scanner
    scanner.max_concurrent_scans = 1
    scanner.save()
    for scan in scans:
        scan.scanner = scanner
        scan.save()
        with django_capture_on_commit_callbacks(execute=True):
            assert api.as_user(world.user).post(f"/v2/scans/{scan.pk}/start").status_code == 200
    assert sent == [scans[0].pk]
    assert ScanRun.objects.get(scan=scans[1]).status == "queued"


def test_concurrent_scans_are_counted_per_product(api, world):
    for _ in range(2):
        ScanRunFactory(scan=ScanFactory(organization=world.customer), status="running")  # pci: at its limit
    vrms_scan = ScanFactory(organization=world.customer, product="vrms")
    client = api.as_user(world.user)
    client.put("/v2/user/change_product", params={"product_code": "vrms"})
    assert client.post(f"/v2/scans/{vrms_scan.pk}/start").status_code == 200


def test_running_recent_upcoming(api, world):
    later = timezone.now() + timezone.timedelta(days=2)
    sooner = timezone.now() + timezone.timedelta(days=1)
    schedule = ScheduleFactory(organization=world.customer)
    idle = ScanFactory(organization=world.customer, name="idle")
    scheduled_late = ScanFactory(organization=world.customer, name="late", schedule=schedule, next_run_at=later)
    scheduled_soon = ScanFactory(organization=world.customer, name="soon", schedule=schedule, next_run_at=sooner)
    ScanRunFactory(scan=ScanFactory(organization=world.customer, name="busy"), status="running")
    ScanRunFactory(scan=ScanFactory(organization=world.customer, name="waiting"), status="queued")
    finished = ScanFactory(organization=world.customer, name="finished")
    ScanRunFactory(scan=finished, status="done")
    ScanRunFactory(scan=ScanFactory(organization=world.other_org, name="foreign"), status="running")
    client = api.as_user(world.user)
    names = lambda path: [i["attributes"]["name"] for i in client.get(path).json()["data"]]  # noqa: E731
    assert sorted(names("/v2/scans/running")) == ["busy", "waiting"]
    assert names("/v2/scans/recent") == ["finished"]
    assert names("/v2/scans/upcoming") == ["soon", "late"]
    assert idle.name not in names("/v2/scans/upcoming") and scheduled_late and scheduled_soon
    assert_list_envelope(client.get("/v2/scans/running").json(), "scan")


def test_recent_is_newest_first_and_keeps_scans_whose_new_run_is_active(api, world):
    old, new = ScanFactory(organization=world.customer, name="old"), ScanFactory(organization=world.customer, name="new")
    ScanRunFactory(scan=old, status="done")
    ScanRunFactory(scan=new, status="stopped")
    ScanRunFactory(scan=old, status="running")  # a new run is active; its last finished run still counts
    names = [i["attributes"]["name"] for i in api.as_user(world.user).get("/v2/scans/recent").json()["data"]]
    assert names == ["old", "new"]


def test_histories(api, world):
    scan = ScanFactory(organization=world.customer)
    first = ScanRunFactory(scan=scan, status="done", host_count=4, hosts_alive=2)
    second = ScanRunFactory(scan=scan, status="interrupted", error="heartbeat lost", partial=True)
    other = ScanRunFactory(scan=ScanFactory(organization=world.customer))
    client = api.as_user(world.viewer)
    body = client.get(f"/v2/scans/{scan.pk}/histories").json()
    assert_list_envelope(body, "scan_history")
    assert [item["id"] for item in body["data"]] == [str(second.pk), str(first.pk)]
    assert body["data"][0]["attributes"]["error"] == "heartbeat lost"
    assert body["data"][0]["attributes"]["partial"] is True
    detail = client.get(f"/v2/scans/{scan.pk}/histories/{first.pk}").json()["data"]["attributes"]
    assert (detail["host_count"], detail["hosts_alive"], detail["status"]) == (4, 2, "done")
    assert_error(client.get(f"/v2/scans/{scan.pk}/histories/{other.pk}"), 404)
    assert_error(client.get(f"/v2/scans/{scan.pk}/histories/junk"), 404)
    assert client.get(f"/v2/scans/{scan.pk}/histories", {"q[status]": "done"}).json()["meta"]["total_count"] == 1
    foreign = ScanRunFactory(scan=ScanFactory(organization=world.other_org))
    assert_error(client.get(f"/v2/scans/{foreign.scan_id}/histories"), 404)
    assert_error(client.get(f"/v2/scans/{foreign.scan_id}/histories/{foreign.pk}"), 404)


def test_hosts_of_the_latest_finished_run(api, world):
    scan = ScanFactory(organization=world.customer)
    older = ScanRunFactory(scan=scan, status="done")
    RunHostFactory(run=older, ip="192.0.2.9")
    latest = ScanRunFactory(scan=scan, status="stopped", partial=True)
    host = RunHostFactory(run=latest, ip="192.0.2.1", hostname="web.example")
    RunHostFactory(run=latest, ip="192.0.2.2")
    ScanRunFactory(scan=scan, status="running")
    client = api.as_user(world.viewer)
    body = client.get(f"/v2/scans/{scan.pk}/hosts").json()
    assert_list_envelope(body, "host")
    assert [item["attributes"]["ip"] for item in body["data"]] == ["192.0.2.1", "192.0.2.2"]
    assert body["data"][0]["attributes"]["ports"][0]["service"] == "http"
    assert [i["attributes"]["ip"] for i in client.get(f"/v2/scans/{scan.pk}/hosts", {"history_id": str(older.pk)}).json()["data"]] == ["192.0.2.9"]
    assert client.get(f"/v2/scans/{scan.pk}/hosts", {"q[hostname]": "web*"}).json()["meta"]["total_count"] == 1
    assert client.get(f"/v2/scans/{scan.pk}/hosts", {"q[ip]": "192.0.2.2"}).json()["meta"]["total_count"] == 1
    detail = client.get(f"/v2/scans/{scan.pk}/hosts/{host.pk}").json()["data"]
    assert detail["attributes"]["hostname"] == "web.example"
    other_scan = ScanFactory(organization=world.customer)
    assert_error(client.get(f"/v2/scans/{other_scan.pk}/hosts/{host.pk}"), 404)
    assert_error(client.get(f"/v2/scans/{scan.pk}/hosts/junk"), 404)
    assert_error(client.get(f"/v2/scans/{scan.pk}/hosts", {"history_id": "junk"}), 404)
    assert client.get(f"/v2/scans/{other_scan.pk}/hosts").json()["data"] == []
    assert_error(api.as_user(world.other_user).get(f"/v2/scans/{scan.pk}/hosts/{host.pk}"), 404)


def count_queries(client, path, per_page):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"per_page": per_page})
    assert response.status_code == 200, response.content
    assert len(response.json()["data"]) >= min(per_page, 12)
    return len(queries)


@pytest.mark.parametrize("path", ["/v2/scans/running", "/v2/scans/recent", "/v2/scans/upcoming",
                                  "/v2/scans/{scan}/histories", "/v2/scans/{scan}/hosts"])
def test_list_query_count_is_constant(api, world, path):
    scan = ScanFactory(organization=world.customer)
    schedule = ScheduleFactory(organization=world.customer)
    for _ in range(12):
        other = ScanFactory(organization=world.customer, schedule=schedule, next_run_at=timezone.now() + timezone.timedelta(hours=1))
        ScanRunFactory(scan=other, status="running" if "running" in path else "done")
        ScanRunFactory(scan=scan, status="done")
    run = ScanRunFactory(scan=scan, status="done")
    for n in range(12):
        RunHostFactory(run=run, ip=f"198.51.100.{n + 1}")
    client = api.as_user(world.user)
    path = path.format(scan=scan.pk)
    client.get(path, {"per_page": 1})
    assert count_queries(client, path, 5) == count_queries(client, path, 50)


def test_a_running_run_shows_its_stage_and_an_estimate_of_the_time_left(api, world):
    scan = ScanFactory(organization=world.customer)
    run = ScanRunFactory(scan=scan, status="running", stage="services", progress=40,
                         started_at=timezone.now() - timezone.timedelta(seconds=60))
    attributes = api.as_user(world.user).get(f"/v2/scans/{scan.pk}/histories/{run.pk}").json()["data"]["attributes"]
    assert (attributes["stage"], attributes["progress"]) == ("services", 40)
    assert 85 <= attributes["estimated_seconds_remaining"] <= 95  # 60 s for 40 %: ~90 s for the other 60 %
    ScanRun.objects.filter(pk=run.pk).update(status="done", progress=100, stage="")
    attributes = api.as_user(world.user).get(f"/v2/scans/{scan.pk}/histories/{run.pk}").json()["data"]["attributes"]
    assert attributes["estimated_seconds_remaining"] is None

"""Reports and Advanced Reports (endpoints.md, resources.md report / advanced_report), as a client
sees them; files are built by the real worker."""

import hashlib

import pytest

from tests.api_mixins import assert_error, assert_list_envelope
from tests.scanning.conftest import run_db_worker_batch

from .conftest import assert_timestamp, data, ok

REPORT_KEYS = {"id", "scan", "history", "status", "pci_status", "severity_counts", "host_count", "created_at", "files"}
FILE_KEYS = {"format", "type", "status", "size", "sha256", "generated_at"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def report_of(client, seeded):
    [report] = data(client.get("/v2/reports", {"q[scan_id]": seeded.scan_id}))
    return report


def test_one_report_per_finished_run(api, world, seeded):
    body = ok(api.as_user(world.viewer).get("/v2/reports"))
    assert_list_envelope(body, "report")
    [report] = body["data"]
    attributes = report["attributes"]
    assert REPORT_KEYS <= set(attributes), REPORT_KEYS - set(attributes)
    assert attributes["scan"] == {"id": seeded.scan_id} and attributes["history"] == {"id": seeded.history_id}
    assert attributes["pci_status"] == "fail" and attributes["host_count"] == 3 and attributes["files"] == []
    assert {"high", "medium", "low", "log"} <= set(attributes["severity_counts"])
    assert_timestamp(attributes["created_at"])
    assert report["relationships"]["scan"]["data"] == {"id": seeded.scan_id, "type": "scan"}
    assert report["relationships"]["history"]["data"] == {"id": seeded.history_id, "type": "scan_history"}


def test_search_and_sort(api, world, seeded):
    client = api.as_user(world.viewer)
    assert ok(client.get("/v2/reports", {"q[pci_status]": "fail"}))["meta"]["total_count"] == 1
    assert ok(client.get("/v2/reports", {"q[pci_status]": "pass"}))["meta"]["total_count"] == 0
    assert ok(client.get("/v2/reports", {"sort_by": "created_at asc"}))["meta"]["total_count"] == 1
    assert_error(client.get("/v2/reports", {"sort_by": "status asc"}), 422, "sort_by")
    assert_error(client.get("/v2/reports", {"q[name]": "x"}), 422, "q[name]")
    assert_error(client.get("/v2/reports", {"q[scan_id]": "not-a-uuid"}), 422, "q[scan_id]")


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_generate_download_file_exists_verify(api, world, seeded):
    client = api.as_user(world.user)
    report = report_of(client, seeded)
    path = f"/v2/reports/{report['id']}"
    choice = {"format": "csv", "type": "detailed"}
    assert_error(client.get(f"{path}/download", choice), 404)  # not generated yet
    assert ok(client.get(f"{path}/file_exists", choice))["exists"] is False
    accepted = ok(client.post(f"{path}/generate", {"report": choice}), 202)
    assert accepted["data"]["id"] == report["id"] and accepted["file"]["status"] == "pending"
    assert ok(client.get(f"{path}/file_exists", choice))["status"] == "pending"
    run_db_worker_batch()
    exists = ok(client.get(f"{path}/file_exists", choice))
    assert exists["exists"] is True and exists["status"] == "ready" and len(exists["sha256"]) == 64
    download = client.get(f"{path}/download", choice)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"].startswith("attachment; filename=")
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == exists["sha256"]
    assert ok(client.post(f"{path}/verify", {**choice, "sha256": exists["sha256"]})) == {"valid": True}
    assert ok(client.post(f"{path}/verify", {**choice, "sha256": "0" * 64})) == {"valid": False}
    [file] = data(client.get(path))["attributes"]["files"]
    assert FILE_KEYS <= set(file) and file["status"] == "ready" and file["sha256"] == exists["sha256"]
    assert_timestamp(file["generated_at"])


@pytest.mark.parametrize("body, field", [({"format": "docx"}, "format"), ({"type": "summary"}, "type")])
def test_generate_errors_name_the_field(api, world, seeded, body, field):
    report = report_of(api.as_user(world.user), seeded)
    assert_error(api.as_user(world.user).post(f"/v2/reports/{report['id']}/generate", {"report": body}), 422, field)


def test_viewer_and_other_organizations(api, world, seeded):
    report = report_of(api.as_user(world.user), seeded)
    path = f"/v2/reports/{report['id']}"
    viewer = api.as_user(world.viewer)
    assert_error(viewer.post(f"{path}/generate", {"report": {"format": "csv"}}), 403)
    assert_error(viewer.delete(path), 403)
    assert_error(viewer.delete("/v2/reports", {"ids": [report["id"]]}), 403)
    stranger = api.as_user(world.other_manager)
    for response in (stranger.get(path), stranger.get(f"{path}/file_exists"), stranger.get(f"{path}/download"),
                     stranger.post(f"{path}/generate", {}), stranger.post(f"{path}/verify", {"sha256": "0"}),
                     stranger.delete(path)):
        assert_error(response, 404)
    assert ok(stranger.delete("/v2/reports", {"ids": [report["id"]]}))["deleted"] == 0
    assert ok(api.as_user(world.manager).delete(path)) == {}
    assert ok(viewer.get("/v2/reports"))["meta"]["total_count"] == 0


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_advanced_reports(api, world, seeded):
    client = api.as_user(world.user)
    created = data(client.post("/v2/advanced_reports", {"advanced_report": {
        "name": "Quarter", "scan_ids": [seeded.scan_id], "severity_levels": ["high"], "group_by": "vulnerability",
        "format": "json", "type": "detailed"}}), 201)
    attributes = created["attributes"]
    assert created["type"] == "advanced_report" and attributes["name"] == "Quarter"
    assert attributes["filters"]["scan_ids"] == [seeded.scan_id] and attributes["group_by"] == "vulnerability"
    assert {"description", "format", "type", "last_generated_at", "files"} <= set(attributes)
    path = f"/v2/advanced_reports/{created['id']}"
    assert data(client.put(path, {"advanced_report": {"name": "Renamed"}}))["attributes"]["name"] == "Renamed"
    assert_error(client.post("/v2/advanced_reports", {"advanced_report": {"scan_ids": []}}), 422, "name")
    assert_error(client.post("/v2/advanced_reports", {"advanced_report": {"name": "x", "group_by": "port"}}), 422,
                 "group_by")
    foreign = client.post("/v2/advanced_reports", {"advanced_report": {"name": "x", "scan_ids": [seeded.foreign_scan_id]}})
    assert foreign.status_code in (404, 422), foreign.content
    ok(client.post(f"{path}/generate", {}), 202)
    run_db_worker_batch()
    download = client.get(f"{path}/download")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/json")
    assert_timestamp(data(client.get(path))["attributes"]["last_generated_at"])
    assert_list_envelope(ok(api.as_user(world.viewer).get("/v2/advanced_reports")), "advanced_report")
    assert_error(api.as_user(world.viewer).post("/v2/advanced_reports", {"name": "x"}), 403)
    assert_error(api.as_user(world.other_manager).get(path), 404)
    assert ok(client.delete("/v2/advanced_reports", {"ids": [created["id"]]}))["deleted"] == 1


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_report_generated_is_sent_for_run_reports_and_advanced_reports(api, world, seeded, settings):
    # scanning.md, Reports: "`report_generated` is emitted when a file is ready"
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    manager = api.as_user(world.manager)
    hook = data(manager.post("/v2/webhooks", {"webhook": {"name": "h", "url": "http://127.0.0.1:9/hook",
                                                          "events": ["report_generated"]}}), 201)
    report = report_of(manager, seeded)
    advanced = data(manager.post("/v2/advanced_reports", {"advanced_report": {"name": "All", "format": "csv"}}), 201)
    ok(manager.post(f"/v2/reports/{report['id']}/generate", {"report": {"format": "csv"}}), 202)
    ok(manager.post(f"/v2/advanced_reports/{advanced['id']}/generate", {}), 202)
    run_db_worker_batch()
    deliveries = data(manager.get(f"/v2/webhooks/{hook['id']}/deliveries"))
    sent = {d["attributes"]["payload"]["data"]["id"]: d["attributes"]["payload"]["data"] for d in deliveries}
    assert set(sent) == {report["id"], advanced["id"]}
    assert sent[report["id"]]["format"] == sent[advanced["id"]]["format"] == "csv"
    assert sent[advanced["id"]]["name"] == "All"

"""The Reports and Advanced Reports routes: records, generation through the real worker, download,
file_exists, verify, deletion with files, scoping and query counts."""

import hashlib

import pytest

from reports.models import AdvancedReport, Report, ReportFile
from tests.api_mixins import BulkDeleteTests, CrudTests, DeleteTests, ListTests, RetrieveTests, assert_error

from .conftest import make_run, run_db_worker_batch

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class TestReportResource(ListTests, RetrieveTests, DeleteTests, BulkDeleteTests):
    collection = "/v2/reports"
    resource_type = "report"
    write_roles = ("User", "Manager", "Partner", "Admin")

    def make(self, world, organization):
        return make_run(organization, hosts=2, per_host=2)


class TestAdvancedReportResource(CrudTests):
    collection = "/v2/advanced_reports"
    resource_type = "advanced_report"
    resource_name = "advanced_report"
    write_roles = ("User", "Manager", "Partner", "Admin")
    create_body = {"name": "Quarter", "relative_date_range": "1q2026", "severity_levels": ["high", "medium"],
                   "group_by": "vulnerability", "format": "csv", "type": "detailed"}
    update_body = {"name": "Quarter 2", "include_excepted": True}
    invalid_body = ({"name": "x", "severity_levels": ["critical"]}, "filters.severity_levels")

    def make(self, world, organization):
        return AdvancedReport.objects.create(organization=organization, product="pci", name="Saved")

    def assert_created(self, attributes, body):
        assert attributes["filters"]["relative_date_range"] == "1q2026"
        assert attributes["filters"]["severity_levels"] == ["high", "medium"]
        assert (attributes["group_by"], attributes["format"]) == ("vulnerability", "csv")

    def assert_updated(self, attributes):
        assert attributes["name"] == "Quarter 2" and attributes["filters"]["include_excepted"] is True


def test_report_attributes_follow_the_run(api, world):
    report = make_run(world.customer, hosts=3, per_host=4)
    body = api.as_user(world.viewer).get(f"/v2/reports/{report.pk}").json()["data"]
    attributes = body["attributes"]
    assert attributes["scan_id"] == str(report.scan_id) and attributes["history_id"] == str(report.run_id)
    assert attributes["severity_counts"] == report.run.severity_counts and attributes["pci_status"] == "fail"
    assert attributes["host_count"] == 3 and attributes["files"] == []
    assert body["relationships"]["history"]["data"] == {"id": str(report.run_id), "type": "scan_history"}


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_generate_in_the_background_then_download_and_verify(api, world):
    report = make_run(world.customer, hosts=3, per_host=4)
    client = api.as_user(world.user)
    assert client.get(f"/v2/reports/{report.pk}/download", {"format": "csv", "type": "detailed"}).status_code == 404
    response = client.post(f"/v2/reports/{report.pk}/generate", {"report": {"format": "csv", "type": "detailed"}})
    assert response.status_code == 202, response.content
    assert response.json()["file"] == {"format": "csv", "type": "detailed", "status": "pending"}
    exists = client.get(f"/v2/reports/{report.pk}/file_exists", {"format": "csv", "type": "detailed"}).json()
    assert exists == {"exists": False, "status": "pending", "sha256": None, "error": None}
    run_db_worker_batch()
    exists = client.get(f"/v2/reports/{report.pk}/file_exists", {"format": "csv", "type": "detailed"}).json()
    assert exists["exists"] is True and exists["status"] == "ready"
    download = client.get(f"/v2/reports/{report.pk}/download", {"format": "csv", "type": "detailed"})
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"].startswith("attachment; filename=") and ".csv" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == exists["sha256"]
    import csv
    import io

    assert len(list(csv.DictReader(io.StringIO(content.decode())))) == 12
    verify = client.post(f"/v2/reports/{report.pk}/verify", {"sha256": exists["sha256"], "format": "csv", "type": "detailed"})
    assert verify.json() == {"valid": True}
    wrong = client.post(f"/v2/reports/{report.pk}/verify", {"sha256": "0" * 64, "format": "csv", "type": "detailed"})
    assert wrong.json() == {"valid": False}
    listed = client.get(f"/v2/reports/{report.pk}").json()["data"]["attributes"]["files"]
    assert listed[0]["status"] == "ready" and listed[0]["sha256"] == exists["sha256"] and listed[0]["size"] == len(content)


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_report_generated_event_notifies_and_is_audited(api, world):
    from events.models import Notification

    report = make_run(world.customer, hosts=1, per_host=2)
    api.as_user(world.manager).post(f"/v2/reports/{report.pk}/generate", {"format": "json", "type": "executive"})
    run_db_worker_batch()
    assert Notification.objects.filter(user=world.manager, kind="report_event").exists()


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_a_tampered_file_fails_verification(api, world, media):
    report = make_run(world.customer, hosts=1, per_host=2)
    client = api.as_user(world.user)
    client.post(f"/v2/reports/{report.pk}/generate", {"format": "json", "type": "detailed"})
    run_db_worker_batch()
    file = ReportFile.objects.get(report=report)
    digest = file.sha256
    with open(file.file.path, "ab") as handle:
        handle.write(b" ")
    assert client.post(f"/v2/reports/{report.pk}/verify", {"sha256": digest, "format": "json", "type": "detailed"}).json() == {"valid": False}


def test_bad_format_or_type_is_422(api, world):
    report = make_run(world.customer, hosts=1, per_host=1)
    client = api.as_user(world.user)
    assert_error(client.post(f"/v2/reports/{report.pk}/generate", {"format": "docx"}), 422, "format")
    assert_error(client.get(f"/v2/reports/{report.pk}/file_exists", {"type": "summary"}), 422, "type")


def test_viewer_may_download_but_not_generate(api, world):
    report = make_run(world.customer, hosts=1, per_host=1)
    assert_error(api.as_user(world.viewer).post(f"/v2/reports/{report.pk}/generate", {"format": "csv"}), 403)
    assert api.as_user(world.viewer).get(f"/v2/reports/{report.pk}/file_exists").status_code == 200


def test_other_organizations_reports_are_404_on_every_action(api, world):
    foreign = make_run(world.other_org, hosts=1, per_host=1)
    client = api.as_user(world.manager)
    for method, path in (("get", "download"), ("get", "file_exists"), ("post", "generate"), ("post", "verify")):
        assert_error(getattr(client, method)(f"/v2/reports/{foreign.pk}/{path}"), 404)


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_deleting_a_report_deletes_its_files(api, world, media, django_capture_on_commit_callbacks):
    report = make_run(world.customer, hosts=1, per_host=2)
    client = api.as_user(world.manager)
    client.post(f"/v2/reports/{report.pk}/generate", {"format": "csv", "type": "detailed"})
    run_db_worker_batch()
    path = ReportFile.objects.get(report=report).file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/v2/reports/{report.pk}").json() == {}
    assert not Report.objects.filter(pk=report.pk).exists() and not ReportFile.objects.exists()
    import os

    assert not os.path.exists(path)


def test_advanced_report_refuses_another_organizations_scan(api, world):
    foreign = make_run(world.other_org, hosts=1, per_host=1)
    body = {"advanced_report": {"name": "Sneaky", "scan_ids": [str(foreign.scan_id)]}}
    assert_error(api.as_user(world.manager).post("/v2/advanced_reports", body), 422, "filters.scan_ids")
    body = {"advanced_report": {"name": "Sneaky", "filters": {"target_ids": [str(foreign.scan.target_id)]}}}
    assert_error(api.as_user(world.manager).post("/v2/advanced_reports", body), 422, "filters.target_ids")


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_advanced_report_over_several_scans(api, world):
    first = make_run(world.customer, hosts=2, per_host=3, name="Web")
    second = make_run(world.customer, hosts=1, per_host=5, name="Mail")
    make_run(world.customer, hosts=4, per_host=4, name="Not chosen")
    client = api.as_user(world.user)
    created = client.post("/v2/advanced_reports", {"advanced_report": {
        "name": "Two scans", "scan_ids": [str(first.scan_id), str(second.scan_id)], "format": "json",
        "type": "detailed", "group_by": "vulnerability"}})
    assert created.status_code == 201, created.content
    advanced_id = created.json()["data"]["id"]
    assert client.post(f"/v2/advanced_reports/{advanced_id}/generate").status_code == 202
    run_db_worker_batch()
    download = client.get(f"/v2/advanced_reports/{advanced_id}/download")
    assert download.status_code == 200, download.content[:300]
    import json

    document = json.loads(b"".join(download.streaming_content))
    assert len(document["findings"]) == 6 + 5
    assert sorted(document["report"]["scope"]["scans"]) == ["Mail", "Web"]
    nvts = [f["nvt"] for f in document["findings"]]
    assert nvts == sorted(nvts)  # grouped by vulnerability
    assert client.get(f"/v2/advanced_reports/{advanced_id}").json()["data"]["attributes"]["last_generated_at"]


def test_advanced_report_severity_and_dates(api, world):
    from datetime import UTC, datetime

    make_run(world.customer, hosts=2, per_host=6, finished_at=datetime(2026, 2, 10, tzinfo=UTC), name="Q1")
    make_run(world.customer, hosts=2, per_host=6, finished_at=datetime(2026, 5, 10, tzinfo=UTC), name="Q2")
    advanced = AdvancedReport.objects.create(organization=world.customer, product="pci", name="Q1 high",
                                             filters={"relative_date_range": "1q2026", "severity_levels": ["high"]},
                                             format="json", type="detailed")
    from reports.services.data import for_advanced

    data = for_advanced(advanced, "detailed")
    findings = list(data.findings())
    assert findings and {f["severity_level"] for f in findings} == {"high"} and {f["scan"] for f in findings} == {"Q1"}


def test_generation_queries_do_not_grow_with_findings(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.services.generate import request_file

    counts = []
    for hosts in (2, 40):
        report = make_run(world.customer, hosts=hosts, per_host=5)
        for fmt in ("csv", "pdf"):
            with CaptureQueriesContext(connection) as queries:
                request_file(report, fmt, "detailed", run_now=True)
            counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_verify_takes_the_sha256_alone_and_refuses_a_malformed_one(api, world, media):
    # endpoints.md: verify "by comparing hashes": `sha256` -> {"valid": bool}
    from reports.services.generate import request_file

    report = make_run(world.customer, hosts=1, per_host=2)
    client = api.as_user(world.viewer)
    path = f"/v2/reports/{report.pk}/verify"
    assert_error(client.post(path, {"sha256": "0" * 64}), 404)  # nothing generated yet
    digest = request_file(report, "json", "executive", run_now=True).sha256
    request_file(report, "csv", "detailed", run_now=True)
    assert client.post(path, {"sha256": digest}).json() == {"valid": True}
    assert client.post(path, {"sha256": digest.upper()}).json() == {"valid": True}
    assert client.post(path, {"sha256": "0" * 64}).json() == {"valid": False}
    assert client.post(path, {"sha256": digest, "format": "csv", "type": "detailed"}).json() == {"valid": False}
    for malformed in ("xyz", digest[:-1], digest + "0", 42):
        assert_error(client.post(path, {"sha256": malformed, "format": "json", "type": "executive"}), 422, "sha256")

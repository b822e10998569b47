"""POST /v2/scans/{id}/import and `manage.py import_report`: reports recorded as runs through the
ingestion path, re-imports that change nothing, exceptions that survive, hostile files refused."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from findings.models import Finding, Result
from scanning.models import RunHost, ScanRun
from tests.api_mixins import assert_error
from tests.scanning.factories import ScanFactory, TargetFactory

from .test_parsers import BILLION_LAUGHS, EXTERNAL_ENTITY

DATA = Path(__file__).parent / "data"
HOSTS = "192.0.2.10, 192.0.2.11, 192.0.2.12, 192.0.2.20, 2001:db8::10, 2001:db8::20, 198.51.100.5"
pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def scan(world):
    return ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))


def upload(client, scan, name, fmt, body=None):
    content = body if body is not None else (DATA / name).read_bytes()
    file = io.BytesIO(content)
    file.name = name
    return client.client.post(f"/v2/scans/{scan.pk}/import", {"file": file, "format": fmt}, **client.headers)


def imported(response):
    assert response.status_code == 201, response.content[:500]
    return ScanRun.objects.get(pk=response.json()["data"]["id"])


def test_nessus_report_becomes_a_finished_run(api, world, scan):
    client = api.as_user(world.user)
    run = imported(upload(client, scan, "nessus_v2.nessus", "nessus"))
    assert (run.status, run.partial, run.hosts_alive) == ("done", False, 3)
    counts = {k: run.severity_counts[k] for k in ("high", "medium", "low", "log")}
    assert counts == {"high": 2, "medium": 2, "low": 1, "log": 2} and run.pci_status == "fail"
    body = client.get(f"/v2/scans/{scan.pk}/vulnerabilities", {"per_page": 100, "q[nvt]": "nessus:153884"}).json()
    [apache] = body["data"]
    attributes = apache["attributes"]
    assert attributes["severity"] == 9.8 and attributes["port"] == "80/tcp" and "Installed version : 2.4.49" in attributes["detection"]
    assert attributes["cves"] == ["CVE-2021-41773", "CVE-2021-42013"]
    assert Result.objects.filter(run=run).count() == 7  # the duplicated TLS 1.0 item is one
    hosts = client.get(f"/v2/scans/{scan.pk}/hosts", {"per_page": 100}).json()["data"]
    assert {h["attributes"]["ip"] for h in hosts} == {"192.0.2.10", "192.0.2.20", "2001:db8::20"}
    assert client.get(f"/v2/scans/{scan.pk}").json()["data"]["attributes"]["pci_status"] == "fail"


def test_reimporting_the_same_report_changes_nothing_but_last_seen(api, world, scan):
    client = api.as_user(world.user)
    first = imported(upload(client, scan, "nessus_v2.nessus", "nessus"))
    before = {f.pk: (f.status, f.last_seen) for f in Finding.objects.filter(organization=world.customer)}
    second = imported(upload(client, scan, "nessus_v2.nessus", "nessus"))
    after = {f.pk: (f.status, f.last_seen) for f in Finding.objects.filter(organization=world.customer)}
    assert set(after) == set(before) and len(after) == 7
    assert all(status == "open" for status, _ in after.values())
    assert all(after[pk][1] > before[pk][1] for pk in before)
    assert second.delta["new"] == 0 and second.delta["fixed"] == 0 and second.delta["persisting"] > 0
    assert first.delta["new"] == second.delta["persisting"]


def test_an_exception_survives_a_reimport(api, world, scan):
    client = api.as_user(world.user)
    imported(upload(client, scan, "nessus_v2.nessus", "nessus"))
    response = client.post("/v2/exceptions", {"exception": {"text": "Accepted: legacy clients", "nvt": "nessus:104743",
                                                             "hosts": "192.0.2.10", "port": "443/tcp", "new_severity": -1}})
    assert response.status_code == 201, response.content
    run = imported(upload(client, scan, "nessus_v2.nessus", "nessus"))
    tls = Finding.objects.get(organization=world.customer, nvt="nessus:104743")
    assert tls.severity == -1 and tls.original_severity == 6.5 and tls.exception_id is not None
    assert Result.objects.get(run=run, nvt="nessus:104743").severity == -1


def test_greenbone_xml_and_csv_give_the_same_findings(api, world):
    client = api.as_user(world.user)
    xml_scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))
    csv_scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))
    xml_run = imported(upload(client, xml_scan, "gvm22.xml", "gvm_xml"))
    csv_run = imported(upload(client, csv_scan, "gvm22.csv", "gvm_csv"))

    def results(run):
        return sorted(Result.objects.filter(run=run).values_list("nvt", "ip", "port", "protocol", "severity", "qod", "name"))

    assert results(xml_run) == results(csv_run) and len(results(xml_run)) == 6
    assert xml_run.severity_counts == csv_run.severity_counts and xml_run.pci_status == csv_run.pci_status == "fail"
    # The CSV export has no vector: what the XML import said about the check stays.
    apache = client.get("/v2/vulnerabilities", {"q[nvt]": "1.3.6.1.4.1.25623.1.0.117711"}).json()["data"]
    assert apache and apache[0]["attributes"]["family"] == "Web Servers"


def test_nmap_report_brings_hosts_and_services(api, world, scan):
    client = api.as_user(world.user)
    run = imported(upload(client, scan, "nmap7.xml", "nmap_xml"))
    hosts = {h.ip: h for h in RunHost.objects.filter(run=run)}
    assert set(hosts) == {"192.0.2.10", "192.0.2.11", "192.0.2.12", "2001:db8::10"}
    assert hosts["192.0.2.11"].alive is False and run.hosts_alive == 3
    ssh = next(p for p in hosts["192.0.2.10"].ports if p["port"] == 22)
    assert (ssh["product"], ssh["cpe"]) == ("OpenSSH", "cpe:/a:openbsd:openssh:9.2p1")


def test_hosts_outside_the_target_are_left_out(api, world):
    client = api.as_user(world.user)
    narrow = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts="192.0.2.10"))
    run = imported(upload(client, narrow, "nessus_v2.nessus", "nessus"))
    assert set(RunHost.objects.filter(run=run).values_list("ip", flat=True)) == {"192.0.2.10"}
    assert run.error == "2 hosts outside the target were left out"
    elsewhere = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts="203.0.113.1"))
    assert assert_error(upload(client, elsewhere, "nessus_v2.nessus", "nessus"), 422, "file")["errors"]["file"] == [
        "none of the report's 3 hosts is in the scan's target"]
    one = (DATA / "real" / "nmap640_0port.xml").read_bytes()  # one host, 127.0.0.1
    assert assert_error(upload(client, elsewhere, "one.xml", "nmap_xml", one), 422, "file")["errors"]["file"] == [
        "the report's only host is not in the scan's target"]
    assert not ScanRun.objects.filter(scan=elsewhere).exists()


@pytest.mark.parametrize("name,fmt,body,message", [
    ("empty.nessus", "nessus", b"", "empty"),
    ("nmap7.xml", "nessus", None, "not a Nessus"),
    ("gvm22.xml", "gvm_xml", (DATA / "gvm22.xml").read_bytes()[:3000], "truncated"),
    ("laughs.xml", "nmap_xml", BILLION_LAUGHS.encode(), "entities"),
    ("xxe.nessus", "nessus", EXTERNAL_ENTITY.encode(), "entities"),
    ("x.csv", "gvm_csv", b"a,b\n1,2\n", "columns"),
])
def test_bad_files_are_422_and_store_nothing(api, world, scan, name, fmt, body, message):
    response = upload(api.as_user(world.user), scan, name, fmt, body)
    error = assert_error(response, 422, "file")
    assert message in error["errors"]["file"][0]
    assert error["message"] == f"Validation failed: file: {error['errors']['file'][0]}"  # the sentence, once
    assert not ScanRun.objects.filter(scan=scan).exists() and not Result.objects.exists() and not RunHost.objects.exists()


def test_format_is_checked(api, world, scan):
    assert_error(upload(api.as_user(world.user), scan, "nmap7.xml", "openvas"), 422, "format")


def test_roles_and_other_organizations(api, world, scan):
    assert_error(upload(api.as_user(world.viewer), scan, "nmap7.xml", "nmap_xml"), 403)
    assert_error(upload(api.as_user(world.other_user), scan, "nmap7.xml", "nmap_xml"), 404)
    assert not ScanRun.objects.filter(scan=scan).exists()


def test_command_imports_with_progress(world, scan):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_report", str(DATA / "gvm22.xml"), "--scan", str(scan.pk), "--format", "gvm_xml", stdout=out, stderr=err)
    assert "done, 3 hosts" in out.getvalue() and "3/3 hosts" in err.getvalue()
    with pytest.raises(CommandError, match="truncated|not well-formed"):
        bad = DATA / "nessus_v2.nessus"
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".nessus") as handle:
            handle.write(bad.read_bytes()[:2000])
            handle.flush()
            call_command("import_report", handle.name, "--scan", str(scan.pk), "--format", "nessus")
    with pytest.raises(CommandError, match="No scan"):
        call_command("import_report", str(DATA / "gvm22.xml"), "--scan", "nope", "--format", "gvm_xml")


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_large_reports_are_queued_for_a_worker(api, world, settings, tmp_path):
    from tests.scanning.conftest import run_db_worker_batch

    settings.IMPORT_SYNC_MAX_BYTES = 1000
    settings.IMPORT_SPOOL_DIR = tmp_path
    scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))
    client = api.as_user(world.user)
    response = upload(client, scan, "gvm22.xml", "gvm_xml")
    assert response.status_code == 201 and response.json()["data"]["attributes"]["status"] == "queued"
    assert client.get(f"/v2/scans/{scan.pk}").json()["data"]["attributes"]["status"] == "queued"
    run_db_worker_batch()
    run = ScanRun.objects.get(scan=scan)
    assert run.status == "done" and run.hosts_alive == 3 and Result.objects.filter(run=run).count() == 6
    assert list(tmp_path.iterdir()) == []  # the spooled upload is gone


@pytest.mark.django_db(transaction=True)
def test_a_queued_unreadable_report_interrupts_its_run_and_stores_nothing(api, world, settings, tmp_path):
    from tests.scanning.conftest import run_db_worker_batch

    settings.IMPORT_SYNC_MAX_BYTES = 1000
    settings.IMPORT_SPOOL_DIR = tmp_path
    scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))
    body = (DATA / "nessus_v2.nessus").read_bytes()[:4000]
    assert upload(api.as_user(world.user), scan, "cut.nessus", "nessus", body).status_code == 201
    run_db_worker_batch()
    run = ScanRun.objects.get(scan=scan)
    assert run.status == "interrupted" and "could not be read" in run.error and "truncated" in run.error
    assert not Result.objects.exists() and not RunHost.objects.exists()


def test_an_imported_run_has_its_report_in_every_format(api, world, scan, settings, tmp_path):
    import csv
    import json

    from pypdf import PdfReader

    from reports.services.generate import request_file

    settings.MEDIA_ROOT = tmp_path
    client = api.as_user(world.user)
    run = imported(upload(client, scan, "gvm22.xml", "gvm_xml"))
    listed = client.get("/v2/reports", {"q[scan_id]": str(scan.pk)}).json()["data"]
    assert len(listed) == 1 and listed[0]["attributes"]["history_id"] == str(run.pk)
    assert listed[0]["attributes"]["pci_status"] == "fail" and listed[0]["attributes"]["host_count"] == 3
    from reports.models import Report

    report = Report.objects.get(run=run)
    for report_type in ("executive", "detailed", "remediation", "pci_attestation"):
        for fmt in ("pdf", "html", "csv", "json", "xml"):
            assert request_file(report, fmt, report_type, run_now=True).status == "ready", (fmt, report_type)
    with request_file(report, "csv", "detailed", run_now=True).file.open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode())))
    assert {r["nvt"] for r in rows} >= {"1.3.6.1.4.1.25623.1.0.117711", "1.3.6.1.4.1.25623.1.0.117274"}
    with request_file(report, "json", "executive", run_now=True).file.open("rb") as handle:
        assert json.load(handle)["report"]["summary"]["pci_status"] == "fail"
    with request_file(report, "pdf", "detailed", run_now=True).file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Apache HTTP Server 2.4.49 Path Traversal Vulnerability" in text and "Installed version: 2.4.49" in text


def test_nmap_versions_are_matched_against_the_feed(api, world, scan):
    run = imported(upload(api.as_user(world.user), scan, "nmap4.xml", "nmap_xml"))
    found = {(r.nvt, r.port) for r in Result.objects.filter(run=run)}
    assert ("CG-CVE-2011-2523", 21) in found  # vsftpd 2.3.4, the backdoored release
    backdoor = Result.objects.get(run=run, nvt="CG-CVE-2011-2523")
    assert backdoor.severity >= 9.0 and "vsftpd" in backdoor.detection.lower() and backdoor.check_info.source == "version_match"


def test_a_file_found_bad_after_hosts_were_stored_leaves_nothing(api, world, scan, monkeypatch):
    from findings.models import Host
    from findings.services import imports, ingest

    monkeypatch.setattr(imports, "BATCH", 1)  # every host is stored once the two after it are read
    stored = []
    monkeypatch.setattr(ingest, "write", lambda *writes, store=ingest.write, **options: stored.append(writes) or store(
        *writes, **options))  # a batch's rows written
    text = (DATA / "nessus_v2.nessus").read_text()
    first = text[text.index("<ReportHost"):text.index("</ReportHost>") + len("</ReportHost>")]
    more = first.replace("192.0.2.10", "192.0.2.11") + first.replace("192.0.2.10", "192.0.2.12")
    text = text.replace("</Report>", more + "</Report>")  # five hosts
    cut = text.rindex("<ReportHost") + 300  # four complete hosts, then the file breaks off in the fifth
    response = upload(api.as_user(world.user), scan, "cut.nessus", "nessus", text[:cut].encode())
    assert "truncated" in assert_error(response, 422, "file")["errors"]["file"][0]
    assert stored  # hosts were stored before the reader found the file broken
    assert not ScanRun.objects.filter(scan=scan).exists() and not RunHost.objects.exists()
    assert not Result.objects.exists() and not Finding.objects.exists() and not Host.objects.exists()


def test_a_report_read_in_a_child_process_with_a_host_listed_twice(api, world, scan, monkeypatch):
    from findings.importers import pipeline
    from findings.services import imports

    monkeypatch.setattr(imports, "BATCH", 1)
    monkeypatch.setattr(pipeline, "CHILD_MIN_BYTES", 0)
    used = []
    monkeypatch.setattr(pipeline.HostReader, "__enter__", lambda self, enter=pipeline.HostReader.__enter__: used.append(self.child) or enter(self))
    text = (DATA / "nessus_v2.nessus").read_text()
    first = text[text.index("<ReportHost"):text.index("</ReportHost>") + len("</ReportHost>")]
    twice = text.replace("</Report>", first + "</Report>")  # stored, then rolled back and stored again merged
    run = imported(upload(api.as_user(world.user), scan, "twice.nessus", "nessus", twice.encode()))
    assert used == [True]
    assert (run.status, run.hosts_alive, run.host_count) == ("done", 3, 3)
    assert RunHost.objects.filter(run=run).count() == 3 and Result.objects.filter(run=run).count() == 7
    assert {k: run.severity_counts[k] for k in ("high", "medium", "low", "log")} == {"high": 2, "medium": 2, "low": 1, "log": 2}


@pytest.mark.django_db(transaction=True)
def test_a_queued_import_shows_its_progress_while_it_runs(api, world, settings, tmp_path, monkeypatch):
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    from findings.services import imports
    from tests.scanning.conftest import run_db_worker_batch

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: the run shows its progress when done")
    settings.IMPORT_SYNC_MAX_BYTES = 1000
    settings.IMPORT_SPOOL_DIR = tmp_path
    monkeypatch.setattr(imports, "BATCH", 1)
    observer = connections.create_connection(DEFAULT_DB_ALIAS)  # another client, outside the import's transaction
    seen = []

    def store_and_look(run, batches, store=imports.store_batches):
        def looked_at():  # as each batch is handed over to be stored
            for batch in batches:
                with observer.cursor() as cursor:
                    cursor.execute("SELECT status, progress FROM scanning_scanrun WHERE id = %s", [run.pk])
                    seen.append(cursor.fetchone())
                yield batch

        store(run, looked_at())

    monkeypatch.setattr(imports, "store_batches", store_and_look)
    scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))
    assert upload(api.as_user(world.user), scan, "nessus_v2.nessus", "nessus").status_code == 201
    run_db_worker_batch()
    observer.close()
    assert ScanRun.objects.get(scan=scan).status == "done"
    assert len(seen) >= 2 and {status for status, _progress in seen} == {"running"}
    assert all(0 < progress < 100 for _status, progress in seen)  # each batch handed over has moved it

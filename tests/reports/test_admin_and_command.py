"""Staff regenerate and download reports in the admin; operators use `generate_report`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from events.models import AuditEvent
from reports.models import AdvancedReport, ReportFile

from .conftest import make_run, run_db_worker_batch

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(world):
    client = Client()
    client.force_login(world.admin)
    return client


@pytest.mark.django_db(transaction=True)  # the real worker commits and closes connections
def test_staff_regenerate_then_download(staff, world):
    report = make_run(world.customer, hosts=2, per_host=3)
    page = staff.get("/admin/reports/report/")
    assert page.status_code == 200 and report.scan.name in page.content.decode()
    response = staff.post("/admin/reports/report/", {"action": "generate_executive_pdf", "_selected_action": [str(report.pk)]},
                          follow=True)
    assert "1 executive PDF file(s) queued." in [str(m) for m in response.context["messages"]]
    run_db_worker_batch()
    file = ReportFile.objects.get(report=report, format="pdf", type="executive")
    assert file.status == "ready"
    detail = staff.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert f"/admin/reports/reportfile/{file.pk}/download/" in detail
    download = staff.get(f"/admin/reports/reportfile/{file.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="download", actor_id=world.admin.pk).exists()


def test_advanced_report_admin_pages(staff, world):
    advanced = AdvancedReport.objects.create(organization=world.customer, product="pci", name="Quarter", format="csv")
    assert staff.get("/admin/reports/advancedreport/").status_code == 200
    assert "Quarter" in staff.get(f"/admin/reports/advancedreport/{advanced.pk}/change/").content.decode()


def test_command_writes_the_file(world, tmp_path):
    report = make_run(world.customer, hosts=2, per_host=2)
    target = tmp_path / "out.json"
    err = io.StringIO()
    call_command("generate_report", str(report.pk), "--format", "json", "--type", "pci_attestation", "--output", str(target), stderr=err)
    document = json.loads(target.read_text())
    assert len(document["findings"]) == 4 and document["report"]["type"] == "pci_attestation"
    assert "sha256" in err.getvalue() and ReportFile.objects.get(report=report).status == "ready"


def test_command_refuses_unknown_ids(world):
    with pytest.raises(CommandError, match="No report"):
        call_command("generate_report", "00000000-0000-4000-8000-000000000000")
    with pytest.raises(CommandError, match="No report"):
        call_command("generate_report", "not-an-id")

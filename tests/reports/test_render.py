"""Every format × type generated from a run's findings, then read back: PDF text, CSV/JSON/XML
parsed and compared with the findings, HTML checked for its sections."""

import csv
import io
import json
import subprocess
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from findings.models import Result
from reports.services.generate import request_file

FORMATS = ("pdf", "html", "csv", "json", "xml")
TYPES = ("executive", "detailed", "remediation", "pci_attestation")


def generated(report, fmt, report_type):
    file = request_file(report, fmt, report_type, run_now=True)
    assert file.status == "ready", file.error
    with file.file.open("rb") as handle:
        return file, handle.read()


def pdf_text(body):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.parametrize("report_type", TYPES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_and_type_is_generated_and_hashed(report, fmt, report_type, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    file, body = generated(report, fmt, report_type)
    import hashlib

    assert file.size == len(body) and file.sha256 == hashlib.sha256(body).hexdigest()
    assert file.file.name.endswith(f".{fmt}")


def test_machine_formats_hold_every_finding(report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    expected = sorted((r.nvt, r.ip, r.port_label, r.severity) for r in Result.objects.filter(run=report.run))
    _, body = generated(report, "csv", "detailed")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert sorted((r["nvt"], r["host"], r["port"], float(r["severity"])) for r in rows) == expected
    _, body = generated(report, "json", "detailed")
    document = json.loads(body)
    assert sorted((f["nvt"], f["host"], f["port"], f["severity"]) for f in document["findings"]) == expected
    assert document["report"]["summary"]["severity_counts"] == report.severity_counts
    assert document["report"]["summary"]["pci_status"] == report.pci_status
    _, body = generated(report, "xml", "remediation")
    root = ElementTree.fromstring(body)
    ns = {"r": "https://cg-scanning.invalid/schema/report/1"}
    found = root.findall("r:findings/r:finding", ns)
    assert sorted((f.get("nvt"), f.get("host"), f.get("port"), float(f.find("r:severity", ns).text)) for f in found) == expected


def test_pdf_shows_verdict_findings_branding_and_contents(report, settings, tmp_path):
    from events.models import Whitelabel

    settings.MEDIA_ROOT = tmp_path
    Whitelabel.objects.create(organization=report.organization, company_name="Acme Assurance GmbH", report_footer="Strictly confidential")
    _, body = generated(report, "pdf", "detailed")
    text = pdf_text(body)
    assert "Acme Assurance GmbH" in text and "Strictly confidential" in text
    assert "FAIL" in text and "Contents" in text
    first = Result.objects.filter(run=report.run).order_by("-severity").first()
    assert first.name in text and first.ip in text
    reader = PdfReader(io.BytesIO(body))
    links = [a for page in reader.pages[:3] for a in (page.get("/Annots") or []) if a.get_object()["/Subtype"] == "/Link"]
    assert len(links) >= 3  # the contents rows link to their pages
    assert reader.outline  # and the sections are the PDF outline


def test_pci_attestation_pdf_text(report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, body = generated(report, "pdf", "pci_attestation")
    text = pdf_text(body)
    assert "Attestation of Scan Compliance" in text and "Component compliance" in text
    assert "ASV attestation" in text and report.organization.name in text


def test_pdftotext_reads_the_pdf(report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from tests.daemons import binary

    _, body = generated(report, "pdf", "executive")
    path = tmp_path / "r.pdf"
    path.write_bytes(body)
    out = subprocess.run([binary("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Executive Summary" in out and "Top vulnerabilities" in out


def test_html_has_sections_and_every_finding(report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, body = generated(report, "html", "detailed")
    html = body.decode()
    assert html.startswith("<!doctype html>") and "<svg" in html and "Findings" in html
    assert html.count('class="finding ') == Result.objects.filter(run=report.run).count()


def test_a_failing_store_is_failed_with_its_reason(report, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    file = request_file(report, "pdf", "detailed", run_now=True)
    assert file.status == "failed" and file.error and not file.sha256


@pytest.mark.parametrize("report_type", TYPES)
def test_xml_follows_the_documented_schema(report, settings, tmp_path, report_type):
    import xmlschema
    from django.conf import settings as django_settings

    settings.MEDIA_ROOT = tmp_path
    schema = xmlschema.XMLSchema(str(django_settings.BASE_DIR / "reports" / "schema" / "report.xsd"))
    _, body = generated(report, "xml", report_type)
    schema.validate(io.BytesIO(body))

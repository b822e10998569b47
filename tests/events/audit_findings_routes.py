"""Valid requests for the findings and reports write routes (exceptions, reports, advanced
reports, report imports), for the audit-trail test (tests/events/test_audit_routes.py). Made by
the customer's Manager with a PCI subscription (tests/events/audit_scanning_routes.py)."""

from pathlib import Path

from reports.models import AdvancedReport
from tests.events.audit_scanning_routes import _ids, _own, _request, scanning_client
from tests.findings.factories import ExceptionFactory
from tests.scanning.factories import ScanFactory, TargetFactory

NMAP_REPORT = Path(__file__).parent.parent / "findings" / "importers" / "data" / "nmap7.xml"
NVT = "1.3.6.1.4.1.60000.7.1"
ADVANCED = {"name": "Quarter", "relative_date_range": "1q2026", "group_by": "vulnerability", "format": "csv",
            "type": "detailed"}


class Upload(dict):
    """A multipart body (form fields and files) instead of JSON."""


def _exception(world):
    return _own(ExceptionFactory, world)


def _report(world):
    from tests.reports.conftest import make_run

    return make_run(world.customer, hosts=1, per_host=1)


def _advanced(world):
    return AdvancedReport.objects.create(organization=world.customer, product="pci", name="Saved")


def _import(api, world):
    import io

    client = scanning_client(api, world)
    scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts="192.0.2.0/24"))
    file = io.BytesIO(NMAP_REPORT.read_bytes())
    file.name = NMAP_REPORT.name
    return client, f"/v2/scans/{scan.pk}/import", Upload(file=file, format="nmap_xml"), "scan"


def findings_requests():
    """key -> builder(api, world) -> (client, path, body, expected resource type)."""
    exception, report, advanced = _exception, _report, _advanced
    return {
        "ExceptionViewSet.create": _request("/v2/exceptions", {"exception": {"text": "Accepted", "nvt": NVT}}, "exception"),
        "ExceptionViewSet.update": _request(lambda e: f"/v2/exceptions/{e.pk}", {"exception": {"text": "Again"}}, "exception",
                                            exception),
        "ExceptionViewSet.partial_update": _request(lambda e: f"/v2/exceptions/{e.pk}", {"new_severity": -1}, "exception",
                                                    exception),
        "ExceptionViewSet.destroy": _request(lambda e: f"/v2/exceptions/{e.pk}", None, "exception", exception),
        "ExceptionViewSet.bulk_destroy": _request("/v2/exceptions", _ids, "exception", exception),
        "ExceptionViewSet.reset": _request("/v2/exceptions/reset", _ids, "exception", exception),
        "ExceptionViewSet.activate": _request("/v2/exceptions/activate", _ids, "exception",
                                              lambda w: _own(ExceptionFactory, w, active=False)),
        "ReportViewSet.generate": _request(lambda r: f"/v2/reports/{r.pk}/generate", {"format": "csv", "type": "detailed"},
                                           "report", report),
        "ReportViewSet.destroy": _request(lambda r: f"/v2/reports/{r.pk}", None, "report", report),
        "ReportViewSet.bulk_destroy": _request("/v2/reports", _ids, "report", report),
        "AdvancedReportViewSet.create": _request("/v2/advanced_reports", {"advanced_report": ADVANCED}, "advanced_report"),
        "AdvancedReportViewSet.update": _request(lambda a: f"/v2/advanced_reports/{a.pk}", {"advanced_report": {"name": "Q2"}},
                                                 "advanced_report", advanced),
        "AdvancedReportViewSet.partial_update": _request(lambda a: f"/v2/advanced_reports/{a.pk}", {"name": "Q3"},
                                                         "advanced_report", advanced),
        "AdvancedReportViewSet.destroy": _request(lambda a: f"/v2/advanced_reports/{a.pk}", None, "advanced_report", advanced),
        "AdvancedReportViewSet.bulk_destroy": _request("/v2/advanced_reports", _ids, "advanced_report", advanced),
        "AdvancedReportViewSet.generate": _request(lambda a: f"/v2/advanced_reports/{a.pk}/generate", {}, "advanced_report",
                                                   advanced),
        "ScanViewSet.import_report": _import,
    }

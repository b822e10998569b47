"""The findings admin pages render and filter; exceptions change through the service; a scan's
page links to its findings and a run's page shows its results."""

import pytest
from django.test import Client

from findings.models import Finding, FindingException
from tests.scanning.factories import ScanFactory, ScanRunFactory

from .factories import CheckInfoFactory, ExceptionFactory, FindingFactory, HostFactory, ResultFactory

pytestmark = pytest.mark.usefixtures("subscribed")
NVT = "1.3.6.1.4.1.60000.8.1"


@pytest.fixture
def staff(world):
    client = Client()
    client.force_login(world.admin)
    return client


def page(client, path, params=None):
    response = client.get(path, params or {})
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


@pytest.fixture
def findings(world):
    org = world.customer
    tls = CheckInfoFactory(organization=org, nvt=NVT, name="TLS 1.0 accepted", family="SSL and TLS", cves=["CVE-2011-3389"])
    hsts = CheckInfoFactory(organization=org, nvt="n.hsts", name="Missing HSTS header", family="Web servers", cves=[])
    web = HostFactory(organization=org, ip="198.51.100.7")
    db = HostFactory(organization=org, ip="198.51.100.8")
    return {
        "tls": FindingFactory(organization=org, check_info=tls, host=web, severity=7.5, status="new"),
        "hsts": FindingFactory(organization=org, check_info=hsts, host=db, severity=2.6, status="fixed"),
    }


@pytest.mark.parametrize("params", [
    {}, {"severity_level__exact": "high"}, {"status__exact": "new"}, {"check_info__family": "SSL and TLS"},
    {"nvt": NVT}, {"ip": "198.51.100.7"}, {"q": "CVE-2011-3389"}, {"q": "tls"},
])
def test_findings_list_filters(staff, findings, params):
    html = page(staff, "/admin/findings/finding/", params)
    assert "TLS 1.0 accepted" in html
    assert ("Missing HSTS header" in html) == (not params)


def test_bad_address_filter_lists_nothing(staff, findings):
    assert "TLS 1.0 accepted" not in page(staff, "/admin/findings/finding/", {"ip": "not-an-ip"})


def test_finding_page_is_read_only(staff, findings):
    run = ScanRunFactory(scan=findings["tls"].scan)
    findings["tls"].run = run
    findings["tls"].save()
    html = page(staff, f"/admin/findings/finding/{findings['tls'].pk}/change/")
    assert "TLS 1.0 accepted" in html and 'name="_save"' not in html
    assert "Last seen" in html and str(run.pk) in html  # the sighting's, on the finding's page
    assert staff.get("/admin/findings/finding/add/").status_code == 403


def test_results_hosts_and_catalogue_pages(staff, world, findings):
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer))
    ResultFactory(run=run, check_info=findings["tls"].check_info, severity=7.5, delta="new")
    assert "TLS 1.0 accepted" in page(staff, "/admin/findings/result/", {"run__id__exact": str(run.pk)})
    assert "TLS 1.0 accepted" in page(staff, "/admin/findings/result/", {"severity_level__exact": "high", "delta__exact": "new"})
    assert "TLS 1.0 accepted" not in page(staff, "/admin/findings/result/", {"delta__exact": "persisting"})
    assert "198.51.100.8" in page(staff, "/admin/findings/host/", {"q": "198.51.100.8"})
    assert "TLS 1.0 accepted" in page(staff, "/admin/findings/checkinfo/", {"q": "CVE-2011-3389"})
    assert "Missing HSTS header" not in page(staff, "/admin/findings/checkinfo/", {"q": "CVE-2011-3389"})
    assert staff.get("/admin/findings/checkinfo/add/").status_code == 403


def test_scan_page_links_to_its_findings_and_shows_counts_and_verdict(staff, world, findings):
    scan = findings["tls"].scan
    run = ScanRunFactory(scan=scan, severity_counts={"high": 1, "medium": 0, "low": 2, "log": 0, "false_positive": 0},
                         pci_status="fail")
    scan.refresh_from_db()
    scan.severity_counts, scan.pci_status = run.severity_counts, "fail"
    scan.save()
    ResultFactory(run=run, check_info=findings["tls"].check_info, severity=7.5)
    html = page(staff, f"/admin/scanning/scan/{scan.pk}/change/")
    assert "high 1, medium 0, low 2, log 0" in html and "fail" in html
    assert f"/admin/findings/finding/?scan__id__exact={scan.pk}" in html
    assert f"/admin/findings/result/?run__id__exact={run.pk}" in html
    run_html = page(staff, f"/admin/scanning/scanrun/{run.pk}/change/")
    assert "TLS 1.0 accepted" in run_html and "198.51.100.7" in run_html
    listed = page(staff, "/admin/findings/finding/", {"scan__id__exact": str(scan.pk)})
    assert "TLS 1.0 accepted" in listed and "Missing HSTS header" not in listed


def test_exception_created_in_the_admin_changes_findings(staff, world, findings):
    response = staff.post("/admin/findings/findingexception/add/", {
        "organization": str(world.customer.pk), "product": "pci", "text": "Accepted", "nvt": NVT,
        "hosts": '["198.51.100.7"]', "port": "", "new_severity": "-1", "active": "on",
    }, follow=True)
    assert response.status_code == 200
    exception = FindingException.objects.get()
    assert exception.created_by == world.admin
    finding = Finding.objects.get(pk=findings["tls"].pk)
    assert (finding.severity, finding.exception_id) == (-1.0, exception.pk)

    staff.post(f"/admin/findings/findingexception/{exception.pk}/change/", {
        "text": "Accepted", "nvt": NVT, "hosts": '["198.51.100.7"]', "port": "", "new_severity": "3.0", "active": "on",
    }, follow=True)
    assert Finding.objects.get(pk=finding.pk).severity == 3.0

    staff.post("/admin/findings/findingexception/", {"action": "reset", "_selected_action": [str(exception.pk)]}, follow=True)
    assert Finding.objects.get(pk=finding.pk).severity == 7.5
    shown = staff.post("/admin/findings/findingexception/", {"action": "activate", "_selected_action": [str(exception.pk)]},
                       follow=True)
    assert "1 exception(s) activated." in [str(m) for m in shown.context["messages"]]
    assert Finding.objects.get(pk=finding.pk).severity == 3.0

    staff.post(f"/admin/findings/findingexception/{exception.pk}/delete/", {"post": "yes"}, follow=True)
    assert not FindingException.objects.exists()
    assert Finding.objects.get(pk=finding.pk).severity == 7.5


def test_exception_form_refuses_what_the_api_refuses(staff, world):
    response = staff.post("/admin/findings/findingexception/add/", {
        "organization": str(world.customer.pk), "product": "pci", "text": "x", "nvt": NVT, "hosts": '["web"]',
        "port": "https", "new_severity": "11",
    })
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert "hosts" in errors or "port" in errors or "new_severity" in errors
    assert not FindingException.objects.exists()


def test_exceptions_list_filters(staff, world):
    ExceptionFactory(organization=world.customer, nvt="n.one", text="first reason")
    ExceptionFactory(organization=world.customer, nvt="n.two", text="second reason", active=False)
    html = page(staff, "/admin/findings/findingexception/", {"active__exact": "0"})
    assert "second reason" in html and "first reason" not in html
    assert "first reason" in page(staff, "/admin/findings/findingexception/", {"nvt": "n.one"})

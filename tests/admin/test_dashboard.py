"""The admin index is the staff dashboard, branded as the product; `/` is a landing page; a run
page shows its hosts' ports as a table."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Webhook, Whitelabel
from findings.models import CheckInfo, Finding, Host
from tests.scanning.factories import RunHostFactory, ScanFactory, ScanRunFactory, TargetFactory

pytestmark = pytest.mark.usefixtures("subscribed")


def text_of(response):
    """The page as a reader sees it: tags dropped, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def section(response, element_id):
    html = response.content.decode()
    start = html.index(f'id="{element_id}"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:html.index("</div>", start)]))


def some_activity(world, number):
    """Runs in every state, a failing webhook, and the customer at 14 of its 16 addresses."""
    target = TargetFactory(organization=world.customer, hosts="192.0.2.0/28", exclude_hosts="192.0.2.0,192.0.2.15")
    for index in range(number):
        scan = ScanFactory(organization=world.customer, target=target, name=f"Scan {number}-{index}")
        ScanRunFactory(scan=scan, status="running", started_at=timezone.now())
        ScanRunFactory(scan=scan, status="queued")
        ScanRunFactory(scan=scan, status="done", started_at=timezone.now(), finished_at=timezone.now())
        Webhook.objects.create(organization=world.customer, name=f"Hook {number}-{index}", url="https://93.184.215.14/h",
                               events=["ping"], state="failing", failing_since=timezone.now(), last_status=500)
    return target


def add_findings(world, scan):
    now = timezone.now()
    host = Host.objects.create(organization=world.customer, product="pci", ip="192.0.2.1", first_seen=now, last_seen=now)
    for index, (severity, level, status) in enumerate([(9.8, "high", "open"), (9.0, "high", "new"),
                                                       (5.0, "medium", "reopened"), (7.5, "high", "fixed")]):
        check = CheckInfo.objects.create(organization=world.customer, nvt=f"1.2.{index}", name=f"Check {index}")
        Finding.objects.create(organization=world.customer, product="pci", check_info=check, nvt=check.nvt,
                               ip=host.ip, port=443, severity=severity, severity_level=level, host=host,
                               status=status, first_seen=now, last_seen=now)
    scan.pci_status = "fail"
    scan.save(update_fields=["pci_status"])
    # the passing scan's target is inside the first target's range: still 14 addresses in use
    passing_target = TargetFactory(organization=world.customer, hosts="192.0.2.1")
    ScanFactory(organization=world.customer, target=passing_target, pci_status="pass")


def test_the_dashboard_shows_what_runs_what_fails_and_who_is_near_a_limit(staff, world):
    target = some_activity(world, 2)
    add_findings(world, target.scans.first())
    page = staff.get("/admin/")
    assert page.status_code == 200
    assert "2 scans running" in text_of(page) and "2 scans queued" in text_of(page)
    assert "2 failing webhooks" in text_of(page)
    active = section(page, "dashboard-active")
    assert "Scan 2-0" in active and "Running" in active and "Queued" in active and "Done" not in active
    assert "Done" in section(page, "dashboard-recent")
    assert "Customer Org pci pci-standard 14 / 16 (88%)" in section(page, "dashboard-limits")
    assert "Hook 2-1" in section(page, "dashboard-webhooks") and "Failing" in section(page, "dashboard-webhooks")
    # open findings only (the fixed one is not counted); one target failing PCI, one passing
    assert "High Medium Low Log Targets passing PCI Targets failing PCI 2 1 0 0 1 1" in section(page, "dashboard-findings")


def test_the_dashboard_with_nothing_to_show(staff, world):
    page = staff.get("/admin/")
    assert page.status_code == 200
    assert "No scan is running or queued." in text_of(page)
    assert "Every organization is well within its plan." in text_of(page)
    assert "Every webhook delivers." in text_of(page)
    assert "High Medium Low Log Targets passing PCI Targets failing PCI 0 0 0 0 0 0" in section(page, "dashboard-findings")


def test_the_findings_part_is_left_out_without_the_findings_app(staff, world, monkeypatch):
    from django.apps import apps

    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "findings" and installed(name))
    page = staff.get("/admin/")
    assert page.status_code == 200
    assert "dashboard-findings" not in page.content.decode()
    assert "dashboard-active" in page.content.decode()


def index_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_queries_with_more_data(staff, world):
    some_activity(world, 1)
    few = index_queries(staff)
    some_activity(world, 6)
    assert index_queries(staff) == few


def test_the_admin_is_branded_as_the_product(staff, world, settings):
    settings.WHITELABEL_DEFAULT_COMPANY_NAME = "Acme Scanning"
    page = staff.get("/admin/")
    assert "Acme Scanning admin" in text_of(page)
    assert "Django administration" not in text_of(page)
    Whitelabel.objects.create(organization=None, platform_default=True, company_name="Platform Brand")
    assert "<title>Dashboard | Platform Brand admin</title>" in staff.get("/admin/").content.decode()


def test_the_landing_page_leads_to_the_admin_the_docs_and_the_health_check(client, world):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    for href in ('href="/admin/"', 'href="/v2/docs"', 'href="/v2/schema"', 'href="/healthz"'):
        assert href in html, href
    assert "CG Scanning" in text_of(page)
    for linked in ("/v2/docs", "/v2/schema", "/healthz"):
        assert client.get(linked).status_code == 200, linked


def test_a_run_page_shows_the_ports_as_a_table(staff, world):
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="done")
    RunHostFactory(run=run, ip="192.0.2.7", ports=[
        {"port": 443, "protocol": "tcp", "service": "https", "product": "nginx", "version": "1.22.1",
         "cpe": "cpe:/a:nginx:nginx:1.22.1", "tls": True, "banner": "", "extra": {"tls": {"x": 1}}},
        {"port": 22, "protocol": "tcp", "service": "ssh", "product": "OpenSSH", "version": "9.2p1",
         "cpe": "cpe:/a:openbsd:openssh:9.2p1", "tls": False},
    ])
    page = staff.get(f"/admin/scanning/scanrun/{run.pk}/change/")
    html = page.content.decode()
    assert '<table class="platform-ports">' in html
    rows = text_of(page)
    assert "443/tcp https nginx 1.22.1 cpe:/a:nginx:nginx:1.22.1 yes" in rows
    assert "22/tcp ssh OpenSSH 9.2p1 cpe:/a:openbsd:openssh:9.2p1 no" in rows
    assert '"service": "https"' not in html and "&quot;service&quot;" not in html  # no JSON dump

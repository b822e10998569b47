"""Staff open the dashboard in Chromium, then change a target; the admin keeps the API's rules
(a bad host is refused on its field, the host count is computed)."""

import pytest
from django.utils import timezone

from scanning.models import PortList
from tests.scanning.conftest import builtins, catalogue, subscribed  # noqa: F401 - fixtures
from tests.scanning.factories import RunHostFactory, ScanFactory, ScanRunFactory, TargetFactory

from .test_admin import save_and_expect_success, sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("subscribed")]


def test_dashboard_then_a_target_saved_through_the_rules(page, world, tmp_path):
    port_list = PortList.objects.get(predefined=True, name="All IANA assigned TCP")  # the `builtins` fixture's
    target = TargetFactory(organization=world.customer, name="Web servers", hosts="192.0.2.1", host_count=1,
                           port_list=port_list)
    scan = ScanFactory(organization=world.customer, target=target, name="Weekly PCI")
    busy = ScanFactory(organization=world.customer, name="Nightly VRMS",
                       target=TargetFactory(organization=world.customer, port_list=port_list))
    ScanRunFactory(scan=busy, status="running", started_at=timezone.now(), progress=40)
    done = ScanRunFactory(scan=scan, status="done", started_at=timezone.now(), finished_at=timezone.now(), progress=100)
    RunHostFactory(run=done, ip="192.0.2.1", ports=[{"port": 443, "protocol": "tcp", "service": "https",
                                                     "product": "nginx", "version": "1.22.1",
                                                     "cpe": "cpe:/a:nginx:nginx:1.22.1", "tls": True}])
    sign_in_to_admin(page, world.admin)

    assert "CG Scanning admin" in page.inner_text("#site-name")
    assert page.inner_text("#tile-running").split()[0] == "1"
    assert "Nightly VRMS" in page.inner_text("#dashboard-active")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    page.click(f"#dashboard-recent a[href='/admin/scanning/scanrun/{done.pk}/change/']")
    assert "443/tcp" in page.inner_text("table.platform-ports")
    page.screenshot(path=str(tmp_path / "run.png"), full_page=True)

    page.goto(f"/admin/scanning/target/{target.pk}/change/")
    page.fill("#id_hosts", "192.0.2.1, not a host!")
    page.click("input[name=_save]")
    assert "not a valid address" in page.inner_text(".field-hosts .errorlist")
    page.screenshot(path=str(tmp_path / "target-refused.png"), full_page=True)

    page.fill("#id_hosts", "192.0.2.0/29")
    save_and_expect_success(page)
    target.refresh_from_db()
    assert (target.hosts, target.host_count) == ("192.0.2.0/29", 8)
    page.goto(f"/admin/scanning/target/{target.pk}/change/")
    assert page.inner_text(".field-host_count .readonly") == "8"
    page.screenshot(path=str(tmp_path / "target-saved.png"), full_page=True)


def test_the_landing_page_leads_to_the_admin(page, world, tmp_path):
    page.goto("/")
    assert "CG Scanning" in page.inner_text("header h1")
    page.screenshot(path=str(tmp_path / "landing.png"), full_page=True)
    page.click("a[href='/admin/']")
    page.wait_for_selector("#id_username")
    assert "CG Scanning admin" in page.inner_text("#site-name")

"""The per-organization scanning allowance (issue 13, item 2): the platform's blocked networks
hold for every tenant; staff may let one organization scan some of them (set in the admin,
audited); cloud metadata addresses never, whatever the setting or the allowance says."""

import ipaddress

import pytest

from events.models import AuditEvent
from organizations.scan_allowance import parse_allowance
from scanning.models import ScanRun
from scanning.networks import blocked_networks_for, subtract_networks
from scanning.services.execution import build_plan
from tests.api_mixins import assert_error

from .factories import ScanFactory, ScanRunFactory, TargetFactory

pytestmark = pytest.mark.usefixtures("subscribed")

METADATA = ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")


@pytest.fixture
def platform_default(settings):
    settings.SCAN_BLOCKED_NETWORKS = None  # what an installation (and run.sh) blocks


def allow(organization, text):
    organization.scan_allowed_networks = text
    organization.save(update_fields=["scan_allowed_networks"])


def test_without_the_allowance_loopback_is_refused(api, world, platform_default):
    body = assert_error(api.as_user(world.manager).post("/v2/targets", {"name": "me", "hosts": "127.0.0.1"}), 422, "hosts")
    assert "blocked" in body["message"]


def test_with_the_allowance_the_target_saves_and_the_plan_holds_the_address(api, world, platform_default):
    allow(world.customer, "127.0.0.1/32")
    response = api.as_user(world.manager).post("/v2/targets", {"name": "me", "hosts": "127.0.0.1"})
    assert response.status_code == 201, response.content
    # only that address: the rest of loopback stays blocked, and other organizations get nothing
    assert_error(api.as_user(world.manager).post("/v2/targets", {"name": "x", "hosts": "127.0.0.2"}), 422, "hosts")
    assert_error(api.as_user(world.other_manager).post("/v2/targets", {"name": "x", "hosts": "127.0.0.1"}), 422, "hosts")
    target = TargetFactory(organization=world.customer, hosts="127.0.0.1")
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer, target=target), status="queued")
    plan, count = build_plan(ScanRun.objects.select_related("scan__target__port_list").get(pk=run.pk))
    assert plan.addresses == ["127.0.0.1"] and count == 1
    blocked = plan.blocked_networks
    assert not any(n.version == 4 and ipaddress.ip_address("127.0.0.1") in n for n in blocked)
    assert any(n.version == 4 and ipaddress.ip_address("127.0.0.2") in n for n in blocked)
    for address in METADATA:  # the engine's guard gets them too
        assert any(n.version == ipaddress.ip_address(address).version and ipaddress.ip_address(address) in n for n in blocked)


def test_an_allowance_taken_away_stops_the_next_run(world, platform_default):
    from scanning.targets import TargetError

    allow(world.customer, "127.0.0.1")
    target = TargetFactory(organization=world.customer, hosts="127.0.0.1")
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer, target=target), status="queued")
    allow(world.customer, "")
    with pytest.raises(TargetError):
        build_plan(ScanRun.objects.select_related("scan__target__port_list").get(pk=run.pk))


@pytest.mark.parametrize("setting", [None, "", "10.0.0.0/8"])  # "" is what the test suite runs with
def test_metadata_addresses_are_refused_whatever_the_setting(api, world, settings, setting):
    settings.SCAN_BLOCKED_NETWORKS = setting
    allow(world.customer, "127.0.0.0/8")
    for address in METADATA:
        assert_error(api.as_user(world.manager).post("/v2/targets", {"name": "m", "hosts": address}), 422, "hosts")
    assert_error(api.as_user(world.manager).post("/v2/targets", {"name": "m", "hosts": "169.254.169.0/24"}), 422, "hosts")
    blocked = blocked_networks_for(world.customer)
    for address in METADATA:
        ip = ipaddress.ip_address(address)
        assert any(n.version == ip.version and ip in n for n in blocked)


def test_metadata_can_never_be_allowed():
    for text in ("169.254.169.254/32", "169.254.0.0/16", "0.0.0.0/0", "fd00:ec2::/64", "100.100.100.200"):
        with pytest.raises(ValueError, match="metadata"):
            parse_allowance(text)
    with pytest.raises(ValueError, match="not an IP network"):
        parse_allowance("127.0.0.1/33")
    assert parse_allowance("127.0.0.1/32,\n::1") == [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")]


def test_subtracting_networks():
    blocked = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"), ipaddress.ip_network("10.0.0.0/8")]
    left = subtract_networks(blocked, [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::/0")])
    addresses = {"127.0.0.0": True, "127.0.0.1": False, "127.255.255.255": True, "::1": False, "10.1.1.1": True}
    for address, is_blocked in addresses.items():
        ip = ipaddress.ip_address(address)
        assert any(n.version == ip.version and ip in n for n in left) is is_blocked, address


def test_only_staff_set_it_in_the_admin_and_it_is_audited(client, api, world):
    # the API has no such field: a tenant sending it changes nothing
    api.as_user(world.manager).put("/v2/user/organization", {"organization": {"scan_allowed_networks": "127.0.0.1/32"}})
    api.as_user(world.partner).put(f"/v2/organizations/{world.customer.pk}", {"scan_allowed_networks": "127.0.0.1/32"})
    world.customer.refresh_from_db()
    assert world.customer.scan_allowed_networks == ""
    client.force_login(world.admin)
    form = {
        "name": world.customer.name, "company_name": world.customer.company_name, "description": "",
        "parent": world.partner_org.pk, "email": "", "contact_email": "",
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
        "subscriptions-TOTAL_FORMS": "0", "subscriptions-INITIAL_FORMS": "0",
    }
    url = f"/admin/organizations/organization/{world.customer.pk}/change/"
    refused = client.post(url, {**form, "scan_allowed_networks": "169.254.169.254/32"})
    assert refused.status_code == 200 and b"never allowed" in refused.content
    response = client.post(url, {**form, "scan_allowed_networks": "127.0.0.1/32"})
    assert response.status_code == 302, response.content[:2000]
    world.customer.refresh_from_db()
    assert world.customer.scan_allowed_networks == "127.0.0.1/32"
    event = AuditEvent.objects.get(source="admin", action="update", resource_id=str(world.customer.pk))
    assert event.changes["scan_allowed_networks"] == ["", "127.0.0.1/32"]


def test_seed_demo_grants_the_demo_customer_loopback_and_nobody_else(db, catalogue, builtins):
    from demo.seed import seed_demo
    from organizations.models import Organization

    result = seed_demo("demo-password-123")
    assert result["customer"].scan_allowed_networks == "127.0.0.1/32"
    others = Organization.objects.exclude(pk=result["customer"].pk).exclude(scan_allowed_networks="")
    assert not others.exists()

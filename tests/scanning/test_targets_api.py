"""/v2/targets: the generic resource tests plus hosts parsing, limits and state rules."""

import pytest

from scanning.models import Target
from tests.api_mixins import CrudTests, assert_error

from .factories import PortListFactory, ScanFactory, ScanRunFactory, TargetFactory

pytestmark = pytest.mark.usefixtures("subscribed")


class TestTargetsApi(CrudTests):
    collection = "/v2/targets"
    resource_type = "target"
    resource_name = "target"
    write_roles = ("User", "Manager", "Partner", "Admin")
    create_body = {"name": "Web servers", "hosts": "192.0.2.1-5, 198.51.100.0/30", "exclude_hosts": "192.0.2.3",
                   "alive_test": "consider_alive", "comment": "DMZ"}
    update_body = {"name": "Renamed", "hosts": "192.0.2.10"}
    invalid_body = ({"hosts": "192.0.2.1, 300.1.1.1"}, "hosts")

    def make(self, world, organization):
        return TargetFactory(organization=organization)

    def assert_created(self, attributes, body):
        assert attributes["host_count"] == 4 + 4
        assert attributes["hosts"] == "192.0.2.1-5, 198.51.100.0/30"
        assert attributes["port_list"]["name"] == "All IANA assigned TCP"
        assert attributes["alive_test"] == "consider_alive"
        assert attributes["in_use"] is False
        assert attributes["product"] == "pci"
        assert body["relationships"]["port_list"]["data"]["type"] == "port_list"

    def assert_updated(self, attributes):
        assert attributes["name"] == "Renamed"
        assert attributes["host_count"] == 1


def test_bad_token_is_named(api, world):
    response = api.as_user(world.user).post("/v2/targets", {"target": {"name": "x", "hosts": "10.0.0.1, bad_host!"}})
    body = assert_error(response, 422, "hosts")
    assert "bad_host!" in body["errors"]["hosts"][0]


def test_bad_exclude_is_named(api, world):
    response = api.as_user(world.user).post("/v2/targets", {"name": "x", "hosts": "10.0.0.1", "exclude_hosts": "10.0.0.999"})
    assert_error(response, 422, "exclude_hosts")


@pytest.mark.parametrize("missing", ["name", "hosts"])
def test_required_fields(api, world, missing):
    body = {"name": "x", "hosts": "10.0.0.1"}
    del body[missing]
    assert_error(api.as_user(world.user).post("/v2/targets", body), 422, missing)


def test_blocked_networks_by_default(api, world, settings):
    settings.SCAN_BLOCKED_NETWORKS = None  # the production default
    for hosts in ("127.0.0.1", "169.254.169.254", "10.0.0.1, ::1"):
        body = assert_error(api.as_user(world.user).post("/v2/targets", {"name": "x", "hosts": hosts}), 422, "hosts")
        assert "blocked" in body["message"]
    settings.SCAN_BLOCKED_NETWORKS = "10.0.0.0/8"
    assert_error(api.as_user(world.user).post("/v2/targets", {"name": "x", "hosts": "10.1.2.3"}), 422, "hosts")
    assert api.as_user(world.user).post("/v2/targets", {"name": "x", "hosts": "127.0.0.1"}).status_code == 201


def test_number_of_ips_limit(api, world):
    """pci-standard allows 16 distinct addresses over all the organization's targets."""
    client = api.as_user(world.user)
    assert client.post("/v2/targets", {"name": "a", "hosts": "192.0.2.0/29"}).status_code == 201  # 8
    assert client.post("/v2/targets", {"name": "b", "hosts": "192.0.2.0/29"}).status_code == 201  # same 8
    body = assert_error(client.post("/v2/targets", {"name": "c", "hosts": "198.51.100.0/28"}), 422, "number_of_ips")
    assert "16" in body["message"]
    assert client.post("/v2/targets", {"name": "c", "hosts": "198.51.100.0/29"}).status_code == 201  # 16 exactly
    target = Target.objects.get(name="a")
    assert_error(client.put(f"/v2/targets/{target.pk}", {"hosts": "192.0.2.0/28"}), 422, "number_of_ips")
    assert client.put(f"/v2/targets/{target.pk}", {"hosts": "192.0.2.0/30"}).status_code == 200  # shrinking is fine


def test_limit_is_per_product(api, world):
    client = api.as_user(world.user)
    assert client.post("/v2/targets", {"name": "a", "hosts": "192.0.2.0/28"}).status_code == 201
    assert client.put("/v2/user/change_product", params={"product_code": "vrms"}).status_code == 200
    assert client.post("/v2/targets", {"name": "b", "hosts": "198.51.100.0/27"}).status_code == 201  # vrms: 64


def test_port_list_of_own_or_builtin(api, world, builtins):
    client = api.as_user(world.user)
    own = PortListFactory(organization=world.customer)
    foreign = PortListFactory(organization=world.other_org)
    created = client.post("/v2/targets", {"name": "a", "hosts": "192.0.2.1", "port_list_id": str(own.pk)})
    assert created.json()["data"]["attributes"]["port_list"]["id"] == str(own.pk)
    builtin = builtins["port_list"]
    assert client.post("/v2/targets", {"name": "b", "hosts": "192.0.2.1", "port_list_id": str(builtin.pk)}).status_code == 201
    for bad in (str(foreign.pk), "nope"):
        body = assert_error(client.post("/v2/targets", {"name": "c", "hosts": "192.0.2.1", "port_list_id": bad}), 422, "port_list_id")
        assert body["errors"]["port_list_id"] == ["was not found"]


def test_alive_test_choices(api, world):
    response = api.as_user(world.user).post("/v2/targets", {"name": "a", "hosts": "192.0.2.1", "alive_test": "smoke"})
    assert_error(response, 422, "alive_test")


def test_update_while_its_scan_runs_is_409(api, world):
    scan = ScanFactory(organization=world.customer)
    ScanRunFactory(scan=scan, status="running")
    assert_error(api.as_user(world.user).put(f"/v2/targets/{scan.target_id}", {"name": "x"}), 409)


def test_delete_while_scans_use_it_is_422(api, world):
    scan = ScanFactory(organization=world.customer)
    client = api.as_user(world.user)
    assert_error(client.delete(f"/v2/targets/{scan.target_id}"), 422)
    assert client.get(f"/v2/targets/{scan.target_id}").json()["data"]["attributes"]["in_use"] is True
    response = client.delete("/v2/targets", {"ids": [str(scan.target_id)]})
    assert_error(response, 422)
    assert Target.objects.filter(pk=scan.target_id).exists()


def test_search_and_sort(api, world):
    client = api.as_user(world.user)
    TargetFactory(organization=world.customer, name="alpha web", hosts="192.0.2.1", host_count=1)
    TargetFactory(organization=world.customer, name="beta db", hosts="198.51.100.0/30", host_count=4, comment="db tier")
    names = lambda r: [i["attributes"]["name"] for i in r.json()["data"]]  # noqa: E731
    assert names(client.get("/v2/targets", {"q[name]": "alpha*"})) == ["alpha web"]
    assert names(client.get("/v2/targets", {"q[hosts]": "*198.51*"})) == ["beta db"]
    assert names(client.get("/v2/targets", {"q[comment]": "'DB TIER'"})) == ["beta db"]
    assert names(client.get("/v2/targets", {"sort_by": "host_count desc"})) == ["beta db", "alpha web"]
    assert names(client.get("/v2/targets", {"sort_by": "name"})) == ["alpha web", "beta db"]
    assert_error(client.get("/v2/targets", {"q[secret]": "x"}), 422)
    assert_error(client.get("/v2/targets", {"sort_by": "hosts"}), 422)


def test_partner_sees_customer_targets(api, world):
    target = TargetFactory(organization=world.customer)
    assert api.as_user(world.partner).get(f"/v2/targets/{target.pk}").status_code == 200
    assert_error(api.as_user(world.other_manager).get(f"/v2/targets/{target.pk}"), 404)


def test_credentials_are_write_only_and_need_manager(api, world):
    creds = {"ssh": {"username": "scan", "password": "s3cret", "port": 22}}
    assert_error(api.as_user(world.user).post("/v2/targets", {"name": "a", "hosts": "192.0.2.1", "credentials": creds}), 403)
    response = api.as_user(world.manager).post("/v2/targets", {"name": "a", "hosts": "192.0.2.1", "credentials": creds})
    assert response.status_code == 201
    assert "s3cret" not in response.content.decode()
    target = Target.objects.get(pk=response.json()["data"]["id"])
    assert "s3cret" not in target.credentials_encrypted
    shown = api.as_user(world.user).get(f"/v2/targets/{target.pk}").json()["data"]["attributes"]["credentials"]
    assert shown == {"ssh": {"username": "scan", "port": 22}}
    assert api.as_user(world.viewer).get(f"/v2/targets/{target.pk}").json()["data"]["attributes"]["credentials"] is None


# --- calculate_hosts ----------------------------------------------------------------------


def test_calculate_hosts(api, world):
    client = api.as_user(world.viewer)
    response = client.post("/v2/targets/calculate_hosts", {"hosts": "192.0.2.0/30, 192.0.2.8-9, example.com",
                                                           "exclude_hosts": "192.0.2.1"})
    assert response.status_code == 200
    body = response.json()
    assert body["host_count"] == 6
    assert body["hosts"] == ["192.0.2.0", "192.0.2.2", "192.0.2.3", "192.0.2.8", "192.0.2.9", "example.com"]
    assert body["errors"] == {}
    assert not Target.objects.exists()


def test_calculate_hosts_lists_the_first_thousand(api, world):
    body = api.as_user(world.user).post("/v2/targets/calculate_hosts", {"hosts": "10.0.0.0/16"}).json()
    assert body["host_count"] == 65536
    assert len(body["hosts"]) == 1000


def test_calculate_hosts_reports_errors_by_field(api, world):
    body = api.as_user(world.user).post("/v2/targets/calculate_hosts", {"hosts": "10.0.0.1, nope!", "exclude_hosts": "x..y"}).json()
    assert body["host_count"] == 0
    assert "hosts" in body["errors"]
    assert_error(api.as_user(world.user).post("/v2/targets/calculate_hosts", {"hosts": 5}), 422, "hosts")
    assert_error(api.post("/v2/targets/calculate_hosts", {"hosts": "10.0.0.1"}), 401)

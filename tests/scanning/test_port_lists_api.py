"""/v2/port_lists: an organization's own lists plus the read-only built-ins."""

import pytest

from scanning.models import PortList
from tests.api_mixins import CreateTests, DeleteTests, ListTests, RetrieveTests, UpdateTests, assert_error

from .factories import PortListFactory, TargetFactory

pytestmark = pytest.mark.usefixtures("subscribed")

BUILTIN_NAMES = {"All IANA assigned TCP", "All TCP", "Top 100 TCP", "Top 1000 TCP", "All TCP and Top 100 UDP", "PCI ASV"}


class TestPortListsApi(ListTests, RetrieveTests, CreateTests, UpdateTests, DeleteTests):
    collection = "/v2/port_lists"
    resource_type = "port_list"
    resource_name = "port_list"
    write_roles = ("User", "Manager", "Partner", "Admin")  # PORT_LIST_CREATE
    create_body = {"name": "Web", "port_ranges": "T:80,443,8000-8010,U:53,161", "comment": "web and dns"}
    update_body = {"name": "Renamed", "port_ranges": "1-1024"}
    invalid_body = ({"port_ranges": "T:0-70000"}, "port_ranges")

    def make(self, world, organization):
        return PortListFactory(organization=organization)

    def assert_created(self, attributes, body):
        assert attributes["port_count"] == {"all": 15, "tcp": 13, "udp": 2}
        assert attributes["predefined"] is False
        assert attributes["comment"] == "web and dns"

    def assert_updated(self, attributes):
        assert attributes["name"] == "Renamed"
        assert attributes["port_count"] == {"all": 1024, "tcp": 1024, "udp": 0}


def test_builtins_are_listed_for_everyone(api, world):
    for user in (world.viewer, world.other_user, world.partner):
        body = api.as_user(user).get("/v2/port_lists", {"per_page": 100, "q[predefined]": "true"}).json()
        assert {item["attributes"]["name"] for item in body["data"]} == BUILTIN_NAMES
    pci = PortList.objects.get(name="PCI ASV", predefined=True)
    assert api.as_user(world.viewer).get(f"/v2/port_lists/{pci.pk}").status_code == 200
    counts = {pl.name: pl.tcp_count for pl in PortList.objects.filter(predefined=True)}
    assert counts["All TCP"] == 65535
    assert counts["Top 100 TCP"] == 100
    assert counts["Top 1000 TCP"] == 1000
    assert PortList.objects.get(name="All TCP and Top 100 UDP").udp_count == 100


def test_builtins_come_first(api, world):
    PortListFactory(organization=world.customer, name="AAA mine")
    names = [item["attributes"]["name"] for item in api.as_user(world.user).get("/v2/port_lists", {"per_page": 100}).json()["data"]]
    assert names[-1] == "AAA mine"


@pytest.mark.parametrize("user", ["manager", "admin"])
def test_builtins_are_read_only(api, world, user):
    builtin = PortList.objects.get(name="Top 100 TCP", predefined=True)
    client = api.as_user(getattr(world, user))
    assert_error(client.put(f"/v2/port_lists/{builtin.pk}", {"name": "Mine now"}), 403)
    assert_error(client.delete(f"/v2/port_lists/{builtin.pk}"), 403)
    builtin.refresh_from_db()
    assert builtin.name == "Top 100 TCP"


@pytest.mark.parametrize("ranges,message", [
    ("T:1-1024,U:", "U:"), ("80-20", "80-20"), ("http", "http"), ("", None), ("T:65536", "65536"),
])
def test_bad_port_ranges_are_named(api, world, ranges, message):
    body = assert_error(api.as_user(world.user).post("/v2/port_lists", {"name": "x", "port_ranges": ranges}), 422, "port_ranges")
    if message:
        assert message in body["message"]


def test_overlaps_are_merged(api, world):
    response = api.as_user(world.user).post("/v2/port_lists", {"name": "x", "port_ranges": "1-100, 50-150, T:150, U:53,53"})
    attributes = response.json()["data"]["attributes"]
    assert attributes["port_ranges"] == "T:1-150,U:53"
    assert attributes["port_count"] == {"all": 151, "tcp": 150, "udp": 1}


def test_delete_while_targets_use_it_is_422(api, world):
    own = PortListFactory(organization=world.customer)
    TargetFactory(organization=world.customer, port_list=own)
    assert_error(api.as_user(world.user).delete(f"/v2/port_lists/{own.pk}"), 422)
    assert PortList.objects.filter(pk=own.pk).exists()


def test_search(api, world):
    PortListFactory(organization=world.customer, name="Web ports", comment="edge")
    client = api.as_user(world.user)
    body = client.get("/v2/port_lists", {"q[name]": "web*"}).json()
    assert [item["attributes"]["name"] for item in body["data"]] == ["Web ports"]
    assert_error(client.get("/v2/port_lists", {"q[port_ranges]": "x"}), 422)

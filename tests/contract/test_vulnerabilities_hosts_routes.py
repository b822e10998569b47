"""Vulnerabilities (with the widgets) and Hosts (endpoints.md), as a client sees them."""

import pytest

from tests.api_mixins import assert_error, assert_list_envelope

from .conftest import assert_timestamp, assert_uuid, data, ok
from .test_scan_findings_routes import HOST_KEYS, assert_vulnerability


def test_vulnerabilities_list(api, world, seeded):
    body = ok(api.as_user(world.viewer).get("/v2/vulnerabilities", {"per_page": 5}))
    assert_list_envelope(body, "vulnerability")
    assert body["meta"] == {"current_page": 1, "per_page": 5, "total_pages": 2, "total_count": 7}
    for item in body["data"]:
        assert_vulnerability(item)
        assert item["attributes"]["status"] == "new" and item["attributes"]["scan"]["id"] == seeded.scan_id
        assert item["relationships"]["host"]["data"]["id"] == item["attributes"]["host"]["id"]
    assert [i["attributes"]["severity"] for i in body["data"]][0] == 9.8  # most severe first
    past = ok(api.as_user(world.viewer).get("/v2/vulnerabilities", {"page": 9}))
    assert past["data"] == [] and past["meta"]["current_page"] == 9 and past["meta"]["total_count"] == 7


@pytest.mark.parametrize("column, value, expected", [
    ("severity_level", "medium", 2), ("host", "192.0.2.10", 5), ("host", "192.0.2.*", 6), ("port", "80", 1),
    ("cve", "CVE-2021-41773", 1), ("status", "new", 7), ("nvt", "'nessus:153884'", 1), ("name", "*APACHE*", 1),
])
def test_vulnerabilities_search(api, world, seeded, column, value, expected):
    body = ok(api.as_user(world.viewer).get("/v2/vulnerabilities", {f"q[{column}]": value}))
    assert body["meta"]["total_count"] == expected


def test_vulnerabilities_search_by_scan(api, world, seeded):
    client = api.as_user(world.viewer)
    assert ok(client.get("/v2/vulnerabilities", {"q[scan_id]": seeded.scan_id}))["meta"]["total_count"] == 7
    assert_error(client.get("/v2/vulnerabilities", {"q[scan_id]": "nope"}), 422, "q[scan_id]")
    assert ok(client.get("/v2/vulnerabilities", {"q[scan_id]": seeded.foreign_scan_id}))["meta"]["total_count"] == 0


@pytest.mark.parametrize("sort_by", ["severity asc", "-last_seen", "name:desc", "severity desc,name asc"])
def test_vulnerabilities_sort(api, world, seeded, sort_by):
    body = ok(api.as_user(world.viewer).get("/v2/vulnerabilities", {"sort_by": sort_by, "per_page": 100}))
    assert len(body["data"]) == 7
    if sort_by == "severity asc":
        severities = [i["attributes"]["severity"] for i in body["data"]]
        assert severities == sorted(severities)


@pytest.mark.parametrize("params, field", [
    ({"q[qod]": "1"}, "q[qod]"), ({"sort_by": "qod asc"}, "sort_by"), ({"per_page": "0"}, "per_page"),
    ({"page": "x"}, "page"), ({"relative_date_range": "10x"}, "relative_date_range"), ({"min_qod": "-1"}, "min_qod"),
    ({"q[port]": "http"}, "q[port]"),
])
def test_vulnerabilities_parameter_errors(api, world, seeded, params, field):
    assert_error(api.as_user(world.viewer).get("/v2/vulnerabilities", params), 422, field)


def test_vulnerabilities_date_range_is_on_last_seen(api, world, seeded):
    client = api.as_user(world.viewer)
    assert ok(client.get("/v2/vulnerabilities", {"relative_date_range": "1d"}))["meta"]["total_count"] == 7
    assert ok(client.get("/v2/vulnerabilities", {"date_range_end": "2001-01-01"}))["meta"]["total_count"] == 0


def test_vulnerability_member_and_404s(api, world, seeded):
    client = api.as_user(world.viewer)
    listed = data(client.get("/v2/vulnerabilities"))[0]
    assert data(client.get(f"/v2/vulnerabilities/{listed['id']}")) == listed
    foreign = data(api.as_user(world.other_user).get("/v2/vulnerabilities"))[0]["id"]
    assert_error(client.get(f"/v2/vulnerabilities/{foreign}"), 404)
    assert_error(client.get("/v2/vulnerabilities/12345"), 404)
    assert_error(api.get("/v2/vulnerabilities"), 401)


def test_widgets(api, world, seeded):
    client = api.as_user(world.viewer)
    total = data(client.get("/v2/vulnerabilities/total"))
    assert {"high", "medium", "low", "log"} <= set(total["severity_counts"])
    assert total["severity_counts"]["high"] == 2 and total["total"] == 7
    top = data(client.get("/v2/vulnerabilities/top", {"limit": 2}))
    assert len(top) == 2 and {"nvt", "name", "severity", "severity_level", "count"} <= set(top[0])
    assert_error(client.get("/v2/vulnerabilities/top", {"limit": "0"}), 422, "limit")
    pci = data(client.get("/v2/vulnerabilities/pci_compliance"))
    assert pci["pci_status"] == "fail"
    [target] = pci["targets"]
    assert_uuid(target["id"]) and target["pci_status"] == "fail"


def test_widgets_see_only_the_callers_organization(api, world, seeded):
    assert data(api.as_user(world.manager).get("/v2/vulnerabilities/total"))["total"] == 7  # not 14
    assert len(data(api.as_user(world.manager).get("/v2/vulnerabilities/pci_compliance"))["targets"]) == 1


def test_hosts_list(api, world, seeded):
    body = ok(api.as_user(world.viewer).get("/v2/hosts", {"sort_by": "ip asc"}))
    assert_list_envelope(body, "host")
    assert [h["attributes"]["ip"] for h in body["data"]] == ["192.0.2.10", "192.0.2.20", "2001:db8::20"]
    for item in body["data"]:
        attributes = item["attributes"]
        assert HOST_KEYS <= set(attributes)
        assert_timestamp(attributes["first_seen"]) and assert_timestamp(attributes["last_seen"])
        assert {"high", "medium", "low", "log"} <= set(attributes["severity_counts"])
        for port in attributes["ports"]:
            assert {"port", "protocol", "service", "product", "version", "cpe"} <= set(port)


@pytest.mark.parametrize("sort_by, first", [("max_severity desc", "192.0.2.10"), ("vulnerability_count asc", None),
                                            ("last_seen desc", None), ("ip desc", "2001:db8::20")])
def test_hosts_sort(api, world, seeded, sort_by, first):
    body = ok(api.as_user(world.viewer).get("/v2/hosts", {"sort_by": sort_by}))
    assert len(body["data"]) == 3
    if first:
        assert body["data"][0]["attributes"]["ip"] == first


def test_hosts_search_and_errors(api, world, seeded):
    client = api.as_user(world.viewer)
    assert ok(client.get("/v2/hosts", {"q[ip]": "192.0.2.20"}))["meta"]["total_count"] == 1
    assert ok(client.get("/v2/hosts", {"q[ip]": "192.0.2.*"}))["meta"]["total_count"] == 2
    assert_error(client.get("/v2/hosts", {"q[port]": "80"}), 422, "q[port]")
    assert_error(client.get("/v2/hosts", {"sort_by": "hostname asc"}), 422, "sort_by")


def test_host_member_and_most_vulnerable(api, world, seeded):
    client = api.as_user(world.viewer)
    [listed] = data(client.get("/v2/hosts", {"q[ip]": "192.0.2.10"}))
    attributes = data(client.get(f"/v2/hosts/{listed['id']}"))["attributes"]
    assert len(attributes["vulnerabilities"]) == 5 and isinstance(attributes["services"], list)
    ranked = data(client.get("/v2/hosts/most_vulnerable", {"limit": 1}))
    assert [h["attributes"]["ip"] for h in ranked] == ["192.0.2.10"]
    foreign = data(api.as_user(world.other_user).get("/v2/hosts"))[0]["id"]
    assert_error(client.get(f"/v2/hosts/{foreign}"), 404)
    assert "192.0.2.10" in [h["attributes"]["ip"] for h in data(api.as_user(world.other_user).get("/v2/hosts"))]


@pytest.mark.parametrize("method, path", [("post", "/v2/vulnerabilities"), ("delete", "/v2/hosts"),
                                          ("put", "/v2/vulnerabilities/total")])
def test_read_only_routes_answer_405(api, world, seeded, method, path):
    assert_error(getattr(api.as_user(world.manager), method)(path, {}), 405)

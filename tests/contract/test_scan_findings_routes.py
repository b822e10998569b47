"""Scans: hosts, vulnerabilities, statistics and import (endpoints.md), as a client sees them."""

import io

import pytest

from tests.api_mixins import assert_error, assert_list_envelope

from .conftest import DATA, LEVELS, assert_timestamp, assert_uuid, data, ok, upload

VULNERABILITY_KEYS = {
    "id", "name", "nvt", "family", "host", "port", "severity", "original_severity", "severity_level", "cvss_vector",
    "qod", "cves", "references", "summary", "insight", "affected", "impact", "detection", "solution",
    "solution_type", "pci_fail", "status", "first_seen", "last_seen", "excepted", "exception", "scan", "history",
}
HOST_KEYS = {"id", "ip", "hostname", "os", "mac", "first_seen", "last_seen", "ports", "vulnerability_count",
             "severity_counts", "max_severity"}


def assert_vulnerability(item):
    attributes = item["attributes"]
    assert item["type"] == "vulnerability" and attributes["id"] == item["id"]
    assert VULNERABILITY_KEYS <= set(attributes), VULNERABILITY_KEYS - set(attributes)
    assert set(attributes["host"]) == {"id", "ip", "hostname"}
    assert isinstance(attributes["severity"], float) and -1 <= attributes["severity"] <= 10
    assert attributes["severity_level"] in LEVELS
    assert attributes["port"].endswith(("/tcp", "/udp")) and attributes["status"] in {"new", "open", "fixed", "reopened"}
    assert isinstance(attributes["cves"], list) and isinstance(attributes["pci_fail"], bool)
    assert isinstance(attributes["qod"], int) and isinstance(attributes["excepted"], bool)
    assert attributes["solution_type"] in {None, "VendorFix", "Workaround", "Mitigation", "WillNotFix", "NoneAvailable"}
    assert_timestamp(attributes["first_seen"])
    assert_timestamp(attributes["last_seen"])
    assert_uuid(attributes["scan"]["id"])
    assert_uuid(attributes["history"]["id"])


def test_scan_severity_fields(api, world, seeded):
    attributes = data(api.as_user(world.viewer).get(f"/v2/scans/{seeded.scan_id}"))["attributes"]
    assert {"high", "medium", "low", "log"} <= set(attributes["severity_counts"])
    assert attributes["severity_counts"]["high"] == 2 and attributes["max_severity"] == 9.8
    assert attributes["pci_status"] == "fail" and attributes["status"] == "done"
    history = data(api.as_user(world.viewer).get(f"/v2/scans/{seeded.scan_id}/histories/{seeded.history_id}"))
    attributes = history["attributes"]
    assert history["type"] == "scan_history"
    assert attributes["delta"] == {"new": 7, "fixed": 0, "persisting": 0}
    assert attributes["severity_counts"]["medium"] == 2 and attributes["host_count"] == 3
    for key in ("queued_at", "started_at", "finished_at"):
        assert_timestamp(attributes[key], nullable=True)
    assert attributes["triggered_by"] in {"user", "schedule", "api"}


def test_scan_vulnerabilities_list(api, world, seeded):
    body = ok(api.as_user(world.viewer).get(f"/v2/scans/{seeded.scan_id}/vulnerabilities", {"per_page": 3}))
    assert_list_envelope(body, "vulnerability")
    assert body["meta"] == {"current_page": 1, "per_page": 3, "total_pages": 3, "total_count": 7}
    for item in body["data"]:
        assert_vulnerability(item)
        assert item["attributes"]["history"]["id"] == seeded.history_id
    severities = [item["attributes"]["severity"] for item in body["data"]]
    assert severities == sorted(severities, reverse=True)


@pytest.mark.parametrize("column, value, expected", [
    ("severity_level", "high", 2), ("host", "192.0.2.10", 5), ("port", "80/tcp", 1), ("delta", "new", 7),
    ("nvt", "nessus:153884", 1), ("name", "*apache*", 1),
])
def test_scan_vulnerabilities_search(api, world, seeded, column, value, expected):
    body = ok(api.as_user(world.viewer).get(f"/v2/scans/{seeded.scan_id}/vulnerabilities", {f"q[{column}]": value}))
    assert body["meta"]["total_count"] == expected, [i["attributes"][column if column != "delta" else "nvt"] for i in body["data"]]


def test_scan_vulnerabilities_errors(api, world, seeded):
    client = api.as_user(world.viewer)
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities", {"q[cve]": "x"}), 422, "q[cve]")
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities", {"sort_by": "qod asc"}), 422, "sort_by")
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities", {"min_qod": "101"}), 422, "min_qod")
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities", {"history_id": seeded.foreign_history_id}), 404)


def test_scan_vulnerability_member(api, world, seeded):
    client = api.as_user(world.viewer)
    listed = data(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities"))[0]
    item = data(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities/{listed['id']}"))
    assert item == listed
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities/not-a-uuid"), 404)


def test_scan_hosts(api, world, seeded):
    client = api.as_user(world.viewer)
    body = ok(client.get(f"/v2/scans/{seeded.scan_id}/hosts", {"sort_by": "ip asc"}))
    assert_list_envelope(body, "host")
    assert [h["attributes"]["ip"] for h in body["data"]] == ["192.0.2.10", "192.0.2.20", "2001:db8::20"]
    for item in body["data"]:
        assert HOST_KEYS <= set(item["attributes"]), HOST_KEYS - set(item["attributes"])
        assert_timestamp(item["attributes"]["first_seen"])
    first = body["data"][0]
    assert first["attributes"]["vulnerability_count"] == 5 and first["attributes"]["max_severity"] == 9.8
    assert ok(client.get(f"/v2/scans/{seeded.scan_id}/hosts", {"q[ip]": "192.0.2.20"}))["meta"]["total_count"] == 1
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/hosts", {"q[os]": "x"}), 422, "q[os]")


def test_scan_host_member_has_its_ports_and_vulnerabilities(api, world, seeded):
    # endpoints.md: GET /v2/scans/{id}/hosts/{host_id} "with its ports and vulnerabilities"
    client = api.as_user(world.viewer)
    listed = data(client.get(f"/v2/scans/{seeded.scan_id}/hosts", {"q[ip]": "192.0.2.10"}))[0]
    attributes = data(client.get(f"/v2/scans/{seeded.scan_id}/hosts/{listed['id']}"))["attributes"]
    assert attributes["ports"] and {"port", "protocol", "service"} <= set(attributes["ports"][0])
    vulnerabilities = attributes["vulnerabilities"]
    assert len(vulnerabilities) == attributes["vulnerability_count"] == 5
    assert {"id", "name", "nvt", "port", "severity", "severity_level"} <= set(vulnerabilities[0])
    run_results = {i["id"] for i in data(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities",
                                                    {"q[host]": "192.0.2.10"}))}
    assert {v["id"] for v in vulnerabilities} == run_results  # the ids of the run's vulnerability routes


def test_scan_statistics(api, world, seeded):
    stats = data(api.as_user(world.viewer).get(f"/v2/scans/{seeded.scan_id}/statistics"))
    assert stats["history_id"] == seeded.history_id and stats["pci_status"] == "fail"
    assert stats["delta"] == {"new": 7, "fixed": 0, "persisting": 0}
    assert {"high", "medium", "low", "log"} <= set(stats["severity_counts"])
    assert sum(h["vulnerability_count"] for h in stats["by_host"]) == stats["vulnerability_count"] == 7


def test_import_format_in_the_query_string(api, world, seeded):
    """The import takes `format` from the query string too (DRF once took it for a renderer: a 404)."""
    client = api.as_user(world.user)
    file = io.BytesIO((DATA / "nessus_v2.nessus").read_bytes())
    file.name = "nessus_v2.nessus"
    response = client.client.post(f"/v2/scans/{seeded.scan_id}/import?format=nessus", {"file": file}, **client.headers)
    assert data(response, 201)["attributes"]["status"] == "done"
    assert len(data(client.get(f"/v2/scans/{seeded.scan_id}/histories"))) == 2


def test_import_errors_and_roles(api, world, seeded):
    assert_error(upload(api.as_user(world.user), seeded.scan_id, fmt="pdf"), 422, "format")
    assert_error(upload(api.as_user(world.user), seeded.scan_id, fmt="nmap_xml"), 422)
    assert_error(upload(api.as_user(world.user), seeded.scan_id, content=b""), 422, "file")
    assert_error(upload(api.as_user(world.viewer), seeded.scan_id), 403)
    assert_error(upload(api.as_user(world.user), seeded.foreign_scan_id), 404)
    assert_error(upload(api, seeded.scan_id), 401)
    # nothing was stored by the refused imports
    assert len(data(api.as_user(world.user).get(f"/v2/scans/{seeded.scan_id}/histories"))) == 1


@pytest.mark.parametrize("suffix", ["hosts", "vulnerabilities", "statistics", "histories"])
def test_scan_routes_of_another_organization_are_404(api, world, seeded, suffix):
    assert_error(api.as_user(world.manager).get(f"/v2/scans/{seeded.foreign_scan_id}/{suffix}"), 404)


def test_foreign_members_under_own_scan_are_404(api, world, seeded):
    foreign = api.as_user(world.other_user)
    host_id = data(foreign.get(f"/v2/scans/{seeded.foreign_scan_id}/hosts"))[0]["id"]
    result_id = data(foreign.get(f"/v2/scans/{seeded.foreign_scan_id}/vulnerabilities"))[0]["id"]
    client = api.as_user(world.manager)
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/hosts/{host_id}"), 404)
    assert_error(client.get(f"/v2/scans/{seeded.scan_id}/vulnerabilities/{result_id}"), 404)
    assert_error(client.get(f"/v2/scans/{seeded.foreign_scan_id}/hosts/{host_id}"), 404)

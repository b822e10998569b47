"""GET /v2/hosts (the inventory) and /v2/hosts/{id}."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_mixins import ListTests, RetrieveTests, assert_error

from .factories import FindingFactory, HostFactory

pytestmark = pytest.mark.usefixtures("subscribed")


class TestHostResource(ListTests, RetrieveTests):
    collection = "/v2/hosts"
    resource_type = "host"

    def make(self, world, organization):
        host = HostFactory(organization=organization)
        FindingFactory(organization=organization, host=host)
        return host


def listed(response):
    assert response.status_code == 200, response.content[:400]
    return [item["attributes"]["ip"] for item in response.json()["data"]]


def test_attributes_and_counts(api, world):
    host = HostFactory(organization=world.customer, ip="198.51.100.30", hostname="web.example", os="Debian 12")
    for severity in (9.8, 5.0, 5.0):
        FindingFactory(organization=world.customer, host=host, severity=severity)
    FindingFactory(organization=world.customer, host=host, severity=9.9, status="fixed")
    FindingFactory(organization=world.customer, host=host, severity=9.9, qod=30)
    client = api.as_user(world.viewer)
    attributes = client.get("/v2/hosts").json()["data"][0]["attributes"]
    assert (attributes["ip"], attributes["hostname"], attributes["os"]) == ("198.51.100.30", "web.example", "Debian 12")
    assert attributes["vulnerability_count"] == 3 and attributes["max_severity"] == 9.8
    assert attributes["severity_counts"] == {"high": 1, "medium": 2, "low": 0, "log": 0}
    assert attributes["ports"] == [{"port": 443, "protocol": "tcp", "service": "https", "product": "nginx",
                                    "version": "1.22.1", "cpe": "cpe:/a:nginx:nginx:1.22.1"}]
    assert attributes["first_seen"].endswith("Z") and attributes["last_seen"].endswith("Z")
    lower = client.get("/v2/hosts", {"min_qod": 30}).json()["data"][0]["attributes"]
    assert (lower["vulnerability_count"], lower["max_severity"]) == (4, 9.9)


def test_detail_lists_ports_services_and_current_vulnerabilities(api, world):
    host = HostFactory(organization=world.customer)
    shown = FindingFactory(organization=world.customer, host=host, severity=7.5)
    FindingFactory(organization=world.customer, host=host, status="fixed")
    attributes = api.as_user(world.user).get(f"/v2/hosts/{host.pk}").json()["data"]["attributes"]
    assert attributes["services"] == ["https"]
    assert [(v["id"], v["port"], v["severity_level"]) for v in attributes["vulnerabilities"]] == [
        (str(shown.pk), "443/tcp", "high")]


def test_search_and_sort(api, world):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    org = world.customer
    a = HostFactory(organization=org, ip="198.51.100.40", hostname="a.example", os="Debian 12",
                    last_seen=now, vulnerability_count=1, max_severity=9.0)
    HostFactory(organization=org, ip="198.51.100.41", hostname="b.example", os="Windows",
                last_seen=now - timedelta(days=1), vulnerability_count=5, max_severity=3.0)
    client = api.as_user(world.user)
    assert listed(client.get("/v2/hosts", {"q[ip]": a.ip})) == [a.ip]
    assert listed(client.get("/v2/hosts", {"q[hostname]": "B.EXAMPLE"})) == ["198.51.100.41"]
    assert listed(client.get("/v2/hosts", {"q[os]": "debian*"})) == [a.ip]
    assert listed(client.get("/v2/hosts", {"sort_by": "ip desc"})) == ["198.51.100.41", "198.51.100.40"]
    assert listed(client.get("/v2/hosts", {"sort_by": "last_seen asc"})) == ["198.51.100.41", "198.51.100.40"]
    assert listed(client.get("/v2/hosts", {"sort_by": "max_severity desc"})) == ["198.51.100.40", "198.51.100.41"]
    assert listed(client.get("/v2/hosts", {"sort_by": "vulnerability_count desc"})) == ["198.51.100.41", "198.51.100.40"]
    assert listed(client.get("/v2/hosts")) == ["198.51.100.40", "198.51.100.41"]  # most recently seen first
    assert_error(client.get("/v2/hosts", {"q[mac]": "x"}), 422, "q[mac]")
    assert_error(client.get("/v2/hosts", {"sort_by": "hostname"}), 422, "sort_by")
    assert_error(client.get("/v2/hosts", {"min_qod": "x"}), 422, "min_qod")


def test_product_scoping(api, world):
    HostFactory(organization=world.customer, product="vrms", ip="198.51.100.50")
    pci = HostFactory(organization=world.customer, ip="198.51.100.51")
    vrms = HostFactory(organization=world.customer, product="vrms", ip="198.51.100.51")
    client = api.as_user(world.user)
    assert listed(client.get("/v2/hosts")) == [pci.ip]
    assert_error(client.get(f"/v2/hosts/{vrms.pk}"), 404)


def test_detail_query_count_does_not_grow_with_findings(api, world):
    host = HostFactory(organization=world.customer)
    FindingFactory(organization=world.customer, host=host)
    client = api.as_user(world.user)
    client.get(f"/v2/hosts/{host.pk}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/v2/hosts/{host.pk}").status_code == 200
        return len(captured)

    few = queries()
    for port in range(1, 9):
        FindingFactory(organization=world.customer, host=host, port=port)
    assert queries() == few

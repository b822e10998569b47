"""GET /v2/vulnerabilities: current findings, their shape, q/sort/min_qod, scoping."""

import pytest

from tests.api_mixins import ListTests, RetrieveTests, assert_error, assert_list_envelope

from .factories import CheckInfoFactory, FindingFactory, HostFactory

pytestmark = pytest.mark.usefixtures("subscribed")


class TestVulnerabilityResource(ListTests, RetrieveTests):
    collection = "/v2/vulnerabilities"
    resource_type = "vulnerability"

    def make(self, world, organization):
        return FindingFactory(organization=organization)


def ids(response):
    assert response.status_code == 200, response.content[:400]
    return [item["id"] for item in response.json()["data"]]


def test_attributes(api, world):
    check = CheckInfoFactory(organization=world.customer, name="TLS 1.0 accepted", family="SSL and TLS",
                             cves=["CVE-2011-3389"], pci_fail=True, solution_type="Mitigation")
    host = HostFactory(organization=world.customer, ip="198.51.100.9", hostname="shop.example")
    finding = FindingFactory(organization=world.customer, check_info=check, host=host, port=443, severity=4.3,
                             pci_fail=True, qod=95, detection="Accepted TLSv1.0")
    item = api.as_user(world.viewer).get(f"/v2/vulnerabilities/{finding.pk}").json()["data"]
    attributes = item["attributes"]
    assert attributes["name"] == "TLS 1.0 accepted" and attributes["family"] == "SSL and TLS"
    assert attributes["host"] == {"id": str(host.pk), "ip": "198.51.100.9", "hostname": "shop.example"}
    assert (attributes["port"], attributes["severity"], attributes["severity_level"]) == ("443/tcp", 4.3, "medium")
    assert (attributes["qod"], attributes["pci_fail"], attributes["excepted"]) == (95, True, False)
    assert attributes["cves"] == ["CVE-2011-3389"] and attributes["detection"] == "Accepted TLSv1.0"
    assert attributes["solution_type"] == "Mitigation" and attributes["status"] == "open"
    assert attributes["first_seen"].endswith("Z") and attributes["scan"] == {"id": str(finding.scan_id)}
    for key in ("original_severity", "cvss_vector", "references", "summary", "insight", "affected", "impact",
                "solution", "last_seen", "exception", "history"):
        assert key in attributes
    assert item["relationships"]["scan"]["data"]["id"] == str(finding.scan_id)


def test_general_port(api, world):
    finding = FindingFactory(organization=world.customer, port=0)
    assert api.as_user(world.user).get(f"/v2/vulnerabilities/{finding.pk}").json()["data"]["attributes"]["port"] == "general/tcp"


def test_min_qod_hides_low_quality_findings(api, world):
    sure = FindingFactory(organization=world.customer, qod=70)
    version_only = FindingFactory(organization=world.customer, qod=30)
    client = api.as_user(world.user)
    assert ids(client.get("/v2/vulnerabilities")) == [str(sure.pk)]
    assert set(ids(client.get("/v2/vulnerabilities", {"min_qod": 30}))) == {str(sure.pk), str(version_only.pk)}
    assert ids(client.get("/v2/vulnerabilities", {"min_qod": 71})) == []


@pytest.mark.parametrize("value", ["-1", "101", "abc", "7.5", "١٠"])
def test_bad_min_qod_is_422(api, world, value):
    assert_error(api.as_user(world.user).get("/v2/vulnerabilities", {"min_qod": value}), 422, "min_qod")


def test_search_columns(api, world):
    org = world.customer
    tls = CheckInfoFactory(organization=org, nvt="1.3.6.1.4.1.60000.9.1", name="TLS 1.0 accepted", cves=["CVE-2011-3389"])
    hsts = CheckInfoFactory(organization=org, nvt="1.3.6.1.4.1.60000.9.2", name="Missing HSTS header", cves=[])
    web = HostFactory(organization=org, ip="198.51.100.20", hostname="web.example")
    db = HostFactory(organization=org, ip="198.51.100.21", hostname="db.example")
    a = FindingFactory(organization=org, check_info=tls, host=web, port=443, severity=7.5, status="new")
    b = FindingFactory(organization=org, check_info=hsts, host=db, port=8443, severity=2.6, status="fixed")
    c = FindingFactory(organization=org, check_info=hsts, host=web, port=0, protocol="tcp", severity=2.6, scan=a.scan)
    client = api.as_user(world.user)

    def found(**q):
        return set(ids(client.get("/v2/vulnerabilities", {f"q[{k}]": v for k, v in q.items()})))

    assert found(name="tls*") == {str(a.pk)}
    assert found(name="*hsts*") == {str(b.pk), str(c.pk)}
    assert found(nvt="1.3.6.1.4.1.60000.9.1") == {str(a.pk)}
    assert found(cve="CVE-2011-3389") == {str(a.pk)}
    assert found(cve="cve-2011-*") == {str(a.pk)}
    assert found(cve="CVE-2011-338") == set()
    assert found(host="198.51.100.20") == {str(a.pk), str(c.pk)}
    assert found(host="db.example") == {str(b.pk)}
    assert found(host="198.51.100.2*") == {str(a.pk), str(b.pk), str(c.pk)}
    assert found(port="443/tcp") == {str(a.pk)}
    assert found(port="8443") == {str(b.pk)}
    assert found(port="general/tcp") == {str(c.pk)}
    assert found(severity_level="high") == {str(a.pk)}
    assert found(status="fixed") == {str(b.pk)}
    assert found(scan_id=str(a.scan_id)) == {str(a.pk), str(c.pk)}
    assert found(name="*hsts*", host="198.51.100.20") == {str(c.pk)}


def test_severity_level_filter_keeps_each_level_to_its_own_findings(api, world):
    """q[severity_level] is read as a severity range: every boundary lands on the level the
    finding shows, and each finding is found by exactly its own level."""
    severities = (10.0, 7.0, 6.9, 4.0, 3.9, 0.1, 0.0, -1.0)
    findings = [FindingFactory(organization=world.customer, severity=severity) for severity in severities]
    client = api.as_user(world.user)
    shown = {item["id"]: item["attributes"]["severity_level"]
             for item in client.get("/v2/vulnerabilities", {"per_page": 100}).json()["data"]}
    assert len(shown) == len(findings)
    for level in ("high", "medium", "low", "log", "false_positive"):
        expected = {pk for pk, shown_level in shown.items() if shown_level == level}
        assert expected, level
        assert set(ids(client.get("/v2/vulnerabilities", {"q[severity_level]": level}))) == expected
    assert ids(client.get("/v2/vulnerabilities", {"q[severity_level]": "critical"})) == []
    assert_error(client.get("/v2/vulnerabilities", {"q[severity_level]": "hi*"}), 422, "q[severity_level]")


@pytest.mark.parametrize(("key", "value"), [("q[title]", "x"), ("q[port]", "http"), ("q[port]", "70000/tcp"),
                                            ("q[cve]", "CVE 1"), ("q[scan_id]", "nope"), ("sort_by", "qod desc")])
def test_bad_filters_are_422(api, world, key, value):
    assert_error(api.as_user(world.user).get("/v2/vulnerabilities", {key: value}), 422, key)


def test_scan_id_of_another_organization_matches_nothing(api, world):
    foreign = FindingFactory(organization=world.other_org)
    response = api.as_user(world.user).get("/v2/vulnerabilities", {"q[scan_id]": str(foreign.scan_id)})
    assert response.status_code == 200, response.content
    assert response.json()["data"] == [] and response.json()["meta"]["total_count"] == 0


@pytest.mark.parametrize(("sort", "expected"), [
    ("severity desc", ["high", "medium", "low"]), ("severity asc", ["low", "medium", "high"]),
    ("name", ["high", "low", "medium"]), ("-name", ["medium", "low", "high"]),
    ("last_seen desc", ["low", "medium", "high"]),
])
def test_sort(api, world, sort, expected):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    made = {}
    for n, (label, severity, name) in enumerate([("high", 9.8, "A check"), ("medium", 5.0, "C check"), ("low", 2.0, "B check")]):
        check = CheckInfoFactory(organization=world.customer, name=name)
        made[str(FindingFactory(organization=world.customer, check_info=check, severity=severity,
                                last_seen=now + timedelta(minutes=n)).pk)] = label
    order = ids(api.as_user(world.user).get("/v2/vulnerabilities", {"sort_by": sort}))
    assert [made[i] for i in order] == expected


def test_default_order_is_most_severe_first(api, world):
    low, high = FindingFactory(organization=world.customer, severity=2.0), FindingFactory(organization=world.customer, severity=9.0)
    assert ids(api.as_user(world.user).get("/v2/vulnerabilities")) == [str(high.pk), str(low.pk)]


def test_pagination(api, world):
    for _ in range(12):
        FindingFactory(organization=world.customer)
    client = api.as_user(world.user)
    body = client.get("/v2/vulnerabilities", {"per_page": 5, "page": 3}).json()
    assert_list_envelope(body, "vulnerability")
    assert len(body["data"]) == 2 and body["meta"] == {"current_page": 3, "per_page": 5, "total_pages": 3, "total_count": 12}
    assert_error(client.get("/v2/vulnerabilities", {"page": 0}), 422, "page")


def test_product_scoping(api, world):
    """A finding of the organization's other product is not listed nor reachable."""
    vrms = FindingFactory(organization=world.customer, product="vrms")
    pci = FindingFactory(organization=world.customer)
    client = api.as_user(world.user)
    assert ids(client.get("/v2/vulnerabilities")) == [str(pci.pk)]
    assert_error(client.get(f"/v2/vulnerabilities/{vrms.pk}"), 404)


def test_partner_sees_its_customers_findings(api, world):
    mine = FindingFactory(organization=world.customer)
    foreign = FindingFactory(organization=world.other_org)
    listed = set(ids(api.as_user(world.partner).get("/v2/vulnerabilities", {"per_page": 100})))
    assert str(mine.pk) in listed and str(foreign.pk) not in listed


def test_writes_are_not_routes(api, world):
    finding = FindingFactory(organization=world.customer)
    assert_error(api.as_user(world.manager).delete(f"/v2/vulnerabilities/{finding.pk}"), 405)


def test_name_prefix_pages_in_list_order(api, world):
    """q[name]=prefix* (sorted by PostgreSQL from the name index when matches are few) pages like
    any list: most severe first, then newest, pages disjoint, other names left out."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    made = []
    for n, (name, severity) in enumerate([("SSH weak kex", 5.0), ("SSH weak mac", 9.0), ("ssh banner", 5.0),
                                          ("TLS 1.0", 9.5), ("SSH root login", 7.0)]):
        check = CheckInfoFactory(organization=world.customer, name=name)
        made.append(FindingFactory(organization=world.customer, check_info=check, severity=severity,
                                   first_seen=now - timedelta(minutes=n)))
    client = api.as_user(world.user)
    first = client.get("/v2/vulnerabilities", {"q[name]": "ssh*", "per_page": 2}).json()
    second = client.get("/v2/vulnerabilities", {"q[name]": "ssh*", "per_page": 2, "page": 2}).json()
    names = [item["attributes"]["name"] for item in first["data"] + second["data"]]
    assert names == ["SSH weak mac", "SSH root login", "SSH weak kex", "ssh banner"]
    assert first["meta"]["total_count"] == 4
    ascending = ids(client.get("/v2/vulnerabilities", {"q[name]": "ssh*", "sort_by": "severity asc", "per_page": 10}))
    assert ascending == [str(made[i].pk) for i in (2, 0, 4, 1)]  # equal severities: older first_seen first


def test_equal_severities_sort_by_first_seen(api, world):
    """sort_by=severity orders ties as the default order does (first_seen, in the same direction);
    when a finding was last seen plays no part."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    older = FindingFactory(organization=world.customer, severity=5.0, first_seen=now - timedelta(hours=1),
                           last_seen=now + timedelta(hours=1))
    newer = FindingFactory(organization=world.customer, severity=5.0, first_seen=now, last_seen=now)
    client = api.as_user(world.user)
    assert ids(client.get("/v2/vulnerabilities", {"sort_by": "severity desc"})) == [str(newer.pk), str(older.pk)]
    assert ids(client.get("/v2/vulnerabilities", {"sort_by": "severity asc"})) == [str(older.pk), str(newer.pk)]
    assert ids(client.get("/v2/vulnerabilities")) == [str(newer.pk), str(older.pk)]

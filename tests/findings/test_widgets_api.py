"""The widgets: /v2/vulnerabilities/total, top, pci_compliance and /v2/hosts/most_vulnerable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_mixins import assert_error

from .factories import CheckInfoFactory, FindingFactory, HostFactory

pytestmark = pytest.mark.usefixtures("subscribed")
WIDGETS = ["/v2/vulnerabilities/total", "/v2/vulnerabilities/top", "/v2/vulnerabilities/pci_compliance",
           "/v2/hosts/most_vulnerable"]


def data(response):
    assert response.status_code == 200, response.content[:400]
    return response.json()["data"]


def test_total_counts_open_findings_by_level(api, world):
    for severity in (9.8, 7.0, 5.0, 2.0, 0.0):
        FindingFactory(organization=world.customer, severity=severity)
    FindingFactory(organization=world.customer, severity=9.0, status="fixed")  # not current
    FindingFactory(organization=world.customer, severity=9.0, qod=30)  # below the default QoD
    FindingFactory(organization=world.customer, severity=-1.0)  # a false positive
    FindingFactory(organization=world.other_org, severity=9.0)
    FindingFactory(organization=world.customer, product="vrms", severity=9.0)
    client = api.as_user(world.viewer)
    body = data(client.get("/v2/vulnerabilities/total"))
    assert body["severity_counts"] == {"high": 2, "medium": 1, "low": 1, "log": 1, "false_positive": 1}
    assert body["total"] == 5
    assert data(client.get("/v2/vulnerabilities/total", {"min_qod": 0}))["severity_counts"]["high"] == 3


def test_top_ranks_checks_by_frequency(api, world):
    common = CheckInfoFactory(organization=world.customer, name="Missing HSTS", nvt="n.common")
    rare = CheckInfoFactory(organization=world.customer, name="TRACE enabled", nvt="n.rare")
    for n in range(3):
        FindingFactory(organization=world.customer, check_info=common, severity=2.6,
                       host=HostFactory(organization=world.customer, ip=f"198.51.100.{60 + n}"))
    FindingFactory(organization=world.customer, check_info=rare, severity=5.3)
    client = api.as_user(world.user)
    top = data(client.get("/v2/vulnerabilities/top"))
    assert [(t["nvt"], t["name"], t["count"], t["hosts"]) for t in top] == [("n.common", "Missing HSTS", 3, 3),
                                                                            ("n.rare", "TRACE enabled", 1, 1)]
    assert top[1]["severity_level"] == "medium"
    assert len(data(client.get("/v2/vulnerabilities/top", {"limit": 1}))) == 1
    assert_error(client.get("/v2/vulnerabilities/top", {"limit": 0}), 422, "limit")


def test_pci_compliance_per_target_and_overall(api, world):
    from tests.scanning.factories import ScanFactory, ScanRunFactory

    clean_scan = ScanFactory(organization=world.customer)
    ScanRunFactory(scan=clean_scan)
    failing_scan = ScanFactory(organization=world.customer)
    ScanRunFactory(scan=failing_scan)
    never_run = ScanFactory(organization=world.customer)
    FindingFactory(organization=world.customer, scan=clean_scan, severity=3.9)
    FindingFactory(organization=world.customer, scan=failing_scan, severity=4.0)
    auto_fail = FindingFactory(organization=world.customer, scan=clean_scan, severity=0.0, pci_fail=True, qod=30)
    client = api.as_user(world.user)
    body = data(client.get("/v2/vulnerabilities/pci_compliance"))
    verdicts = {t["id"]: t["pci_status"] for t in body["targets"]}
    assert verdicts == {str(clean_scan.target_id): "pass", str(failing_scan.target_id): "fail",
                        str(never_run.target_id): None}
    assert body["pci_status"] == "fail" and body["counts"] == {"pass": 1, "fail": 1, "none": 1}
    # Below the default QoD the automatic failure does not count; asked for, it does.
    body = data(client.get("/v2/vulnerabilities/pci_compliance", {"min_qod": 30}))
    assert {t["id"]: t["pci_status"] for t in body["targets"]}[str(auto_fail.scan.target_id)] == "fail"


def test_most_vulnerable_hosts(api, world):
    org = world.customer
    worst = HostFactory(organization=org, ip="198.51.100.70")
    busy = HostFactory(organization=org, ip="198.51.100.71")
    calm = HostFactory(organization=org, ip="198.51.100.72")
    FindingFactory(organization=org, host=worst, severity=9.8)
    for _ in range(3):
        FindingFactory(organization=org, host=busy, severity=5.0)
    FindingFactory(organization=org, host=calm, severity=2.0)
    client = api.as_user(world.user)
    hosts = data(client.get("/v2/hosts/most_vulnerable"))
    assert [h["attributes"]["ip"] for h in hosts] == ["198.51.100.70", "198.51.100.71", "198.51.100.72"]
    assert hosts[1]["attributes"]["vulnerability_count"] == 3
    assert hosts[1]["attributes"]["severity_counts"] == {"high": 0, "medium": 3, "low": 0, "log": 0}
    assert [h["attributes"]["ip"] for h in data(client.get("/v2/hosts/most_vulnerable", {"limit": 2}))] == [
        "198.51.100.70", "198.51.100.71"]


@pytest.mark.parametrize("path", WIDGETS)
def test_widgets_refuse_a_bad_min_qod(api, world, path):
    assert_error(api.as_user(world.user).get(path, {"min_qod": "200"}), 422, "min_qod")


@pytest.mark.parametrize("path", WIDGETS)
def test_widgets_hide_other_organizations(api, world, path):
    FindingFactory(organization=world.other_org, severity=9.8)
    body = data(api.as_user(world.user).get(path))
    assert body in ([], {"severity_counts": {"high": 0, "medium": 0, "low": 0, "log": 0, "false_positive": 0}, "total": 0, "min_qod": 70},
                    {"pci_status": None, "targets": [], "counts": {"pass": 0, "fail": 0, "none": 0}})


@pytest.mark.parametrize("path", WIDGETS)
def test_widget_query_count_does_not_grow_with_the_data(api, world, path):
    client = api.as_user(world.manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    FindingFactory(organization=world.customer)
    client.get(path)  # warm-up
    few = queries()
    for n in range(8):
        FindingFactory(organization=world.customer, host=HostFactory(organization=world.customer, ip=f"198.51.100.{80 + n}"))
    assert queries() == few


def test_pci_compliance_of_a_target_follows_its_scans_verdict(api, world):
    # scanning.md: a run's PCI verdict is shown on the run, the scan, the report and the PCI widget.
    # Two targets share a host: the later import takes the findings over, the first scan still fails.
    from tests.scanning.factories import ScanFactory, TargetFactory

    from .importers.test_import_api import upload

    client = api.as_user(world.user)
    first, later = (ScanFactory(organization=world.customer, target=TargetFactory(
        organization=world.customer, hosts="192.0.2.10, 192.0.2.20, 2001:db8::20")) for _ in range(2))
    for scan in (first, later):
        assert upload(client, scan, "nessus_v2.nessus", "nessus").status_code == 201
    assert data(client.get(f"/v2/scans/{first.pk}"))["attributes"]["pci_status"] == "fail"
    verdicts = {t["id"]: t["pci_status"] for t in data(client.get("/v2/vulnerabilities/pci_compliance"))["targets"]}
    assert verdicts == {str(first.target_id): "fail", str(later.target_id): "fail"}

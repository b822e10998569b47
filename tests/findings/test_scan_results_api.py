"""GET /v2/scans/{id}/vulnerabilities[/{vulnerability_id}], /statistics, and the counts that
/v2/scans/{id}/hosts gained: the results of one run (the latest finished one, or `history_id=`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_mixins import assert_error, assert_list_envelope
from tests.scanning.factories import RunHostFactory, ScanFactory, ScanRunFactory

from .factories import CheckInfoFactory, ResultFactory

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def scan_runs(world):
    """A scan with an older and a newer finished run, and a run still going (not listed)."""
    scan = ScanFactory(organization=world.customer)
    older = ScanRunFactory(scan=scan)
    newer = ScanRunFactory(scan=scan)
    ScanRunFactory(scan=scan, status="running")
    return scan, older, newer


def results(response):
    assert response.status_code == 200, response.content[:400]
    return response.json()


def test_lists_the_latest_finished_run(api, world, scan_runs):
    scan, older, newer = scan_runs
    RunHostFactory(run=newer, ip="198.51.100.7", hostname="web.example")
    tls = CheckInfoFactory(organization=world.customer, name="TLS 1.0 accepted", cves=["CVE-2011-3389"])
    old = ResultFactory(run=older, check_info=tls)
    new = ResultFactory(run=newer, check_info=tls, severity=7.4, delta="persisting", hostname="web.example")
    client = api.as_user(world.viewer)
    body = results(client.get(f"/v2/scans/{scan.pk}/vulnerabilities"))
    assert_list_envelope(body, "vulnerability")
    assert [item["id"] for item in body["data"]] == [str(new.pk)]
    attributes = body["data"][0]["attributes"]
    host_id = str(newer.hosts.get().pk)
    assert attributes["host"] == {"id": host_id, "ip": "198.51.100.7", "hostname": "web.example"}
    assert (attributes["name"], attributes["severity_level"], attributes["port"]) == ("TLS 1.0 accepted", "high", "443/tcp")
    assert (attributes["status"], attributes["delta"], attributes["cves"]) == ("open", "persisting", ["CVE-2011-3389"])
    assert attributes["history"] == {"id": str(newer.pk)} and attributes["scan"] == {"id": str(scan.pk)}
    assert client.get(f"/v2/scans/{scan.pk}/hosts/{host_id}").status_code == 200
    earlier = results(client.get(f"/v2/scans/{scan.pk}/vulnerabilities", {"history_id": str(older.pk)}))
    assert [item["id"] for item in earlier["data"]] == [str(old.pk)]


def test_member_route(api, world, scan_runs):
    scan, _older, newer = scan_runs
    result = ResultFactory(run=newer)
    client = api.as_user(world.user)
    body = results(client.get(f"/v2/scans/{scan.pk}/vulnerabilities/{result.pk}"))
    assert body["data"]["id"] == str(result.pk) and body["data"]["type"] == "vulnerability"
    other_scan = ScanFactory(organization=world.customer)
    for path in (f"/v2/scans/{other_scan.pk}/vulnerabilities/{result.pk}", f"/v2/scans/{scan.pk}/vulnerabilities/nope"):
        assert_error(client.get(path), 404)


def test_other_organizations_are_404(api, world):
    foreign_run = ScanRunFactory(scan=ScanFactory(organization=world.other_org))
    result = ResultFactory(run=foreign_run)
    client = api.as_user(world.user)
    scan_id = foreign_run.scan_id
    for path in (f"/v2/scans/{scan_id}/vulnerabilities", f"/v2/scans/{scan_id}/vulnerabilities/{result.pk}",
                 f"/v2/scans/{scan_id}/statistics"):
        assert_error(client.get(path), 404)
    mine = ScanFactory(organization=world.customer)
    assert_error(client.get(f"/v2/scans/{mine.pk}/vulnerabilities", {"history_id": str(foreign_run.pk)}), 404)
    assert_error(client.get(f"/v2/scans/{mine.pk}/statistics", {"history_id": str(foreign_run.pk)}), 404)


def test_search_sort_and_min_qod(api, world, scan_runs):
    scan, _older, run = scan_runs
    org = world.customer
    hsts = CheckInfoFactory(organization=org, nvt="n.hsts", name="Missing HSTS")
    trace = CheckInfoFactory(organization=org, nvt="n.trace", name="TRACE enabled")
    a = ResultFactory(run=run, check_info=hsts, ip="198.51.100.7", port=443, severity=2.6, delta="new")
    b = ResultFactory(run=run, check_info=trace, ip="198.51.100.8", port=80, severity=5.3, delta="persisting")
    low = ResultFactory(run=run, check_info=trace, ip="198.51.100.9", port=0, severity=9.8, qod=30)
    client = api.as_user(world.user)

    def found(params):
        return [item["id"] for item in results(client.get(f"/v2/scans/{scan.pk}/vulnerabilities", params))["data"]]

    assert found({}) == [str(b.pk), str(a.pk)]
    assert found({"min_qod": 0}) == [str(low.pk), str(b.pk), str(a.pk)]
    assert found({"q[name]": "*hsts"}) == [str(a.pk)]
    assert found({"q[nvt]": "n.trace"}) == [str(b.pk)]
    assert found({"q[host]": "198.51.100.8"}) == [str(b.pk)]
    assert found({"q[port]": "443/tcp"}) == [str(a.pk)]
    assert found({"q[port]": "general/tcp", "min_qod": 0}) == [str(low.pk)]
    assert found({"q[severity_level]": "medium"}) == [str(b.pk)]
    assert found({"q[delta]": "new"}) == [str(a.pk)]
    assert found({"sort_by": "severity asc"}) == [str(a.pk), str(b.pk)]
    assert found({"sort_by": "name desc"}) == [str(b.pk), str(a.pk)]
    for key, value in (("q[status]", "new"), ("sort_by", "qod"), ("min_qod", "-5"), ("q[port]", "x")):
        assert_error(client.get(f"/v2/scans/{scan.pk}/vulnerabilities", {key: value}), 422, key)


def test_a_scan_without_finished_runs_lists_nothing(api, world):
    scan = ScanFactory(organization=world.customer)
    client = api.as_user(world.user)
    assert results(client.get(f"/v2/scans/{scan.pk}/vulnerabilities"))["data"] == []
    stats = results(client.get(f"/v2/scans/{scan.pk}/statistics"))["data"]
    assert stats["history_id"] is None and stats["pci_status"] is None
    # the same shape as a run's statistics (test_statistics), every count at zero
    assert stats["severity_counts"] == {"high": 0, "medium": 0, "low": 0, "log": 0, "false_positive": 0}


def test_statistics(api, world, scan_runs):
    scan, older, newer = scan_runs
    org = world.customer
    for ip in ("198.51.100.7", "198.51.100.8"):
        RunHostFactory(run=newer, ip=ip)
    gone_check = CheckInfoFactory(organization=org, nvt="n.gone")
    kept_check = CheckInfoFactory(organization=org, nvt="n.kept")
    ResultFactory(run=older, check_info=gone_check, ip="198.51.100.7")  # fixed since
    ResultFactory(run=older, check_info=kept_check, ip="198.51.100.7")
    ResultFactory(run=newer, check_info=kept_check, ip="198.51.100.7", severity=7.5, delta="persisting")
    ResultFactory(run=newer, ip="198.51.100.8", severity=3.1)
    ResultFactory(run=newer, ip="198.51.100.8", severity=0.0, pci_fail=True, qod=30)
    stats = results(api.as_user(world.viewer).get(f"/v2/scans/{scan.pk}/statistics"))["data"]
    assert stats["history_id"] == str(newer.pk) and stats["previous_history_id"] == str(older.pk)
    assert stats["severity_counts"] == {"high": 1, "medium": 0, "low": 1, "log": 0, "false_positive": 0}
    assert stats["delta"] == {"new": 1, "fixed": 1, "persisting": 1}
    assert stats["pci_status"] == "fail" and stats["max_severity"] == 7.5
    assert [(h["ip"], h["vulnerability_count"]) for h in stats["by_host"]] == [("198.51.100.7", 1), ("198.51.100.8", 1)]
    with_low_qod = results(api.as_user(world.viewer).get(f"/v2/scans/{scan.pk}/statistics", {"min_qod": 0}))["data"]
    assert with_low_qod["severity_counts"]["log"] == 1
    first = results(api.as_user(world.viewer).get(f"/v2/scans/{scan.pk}/statistics", {"history_id": str(older.pk)}))["data"]
    assert first["delta"] == {"new": 2, "fixed": 0, "persisting": 0} and first["pci_status"] == "fail"


def test_pass_verdict(api, world, scan_runs):
    scan, _older, newer = scan_runs
    ResultFactory(run=newer, severity=3.9)
    assert results(api.as_user(world.user).get(f"/v2/scans/{scan.pk}/statistics"))["data"]["pci_status"] == "pass"


def test_scan_hosts_carry_their_counts(api, world, scan_runs):
    scan, _older, run = scan_runs
    RunHostFactory(run=run, ip="198.51.100.7")
    RunHostFactory(run=run, ip="198.51.100.8")
    ResultFactory(run=run, ip="198.51.100.7", severity=9.1)
    ResultFactory(run=run, ip="198.51.100.7", port=80, severity=4.2)
    client = api.as_user(world.user)
    hosts = {h["attributes"]["ip"]: h for h in results(client.get(f"/v2/scans/{scan.pk}/hosts"))["data"]}
    busy = hosts["198.51.100.7"]["attributes"]
    assert (busy["vulnerability_count"], busy["max_severity"]) == (2, 9.1)
    assert busy["severity_counts"] == {"high": 1, "medium": 1, "low": 0, "log": 0}
    assert hosts["198.51.100.8"]["attributes"]["vulnerability_count"] == 0
    one = results(client.get(f"/v2/scans/{scan.pk}/hosts/{hosts['198.51.100.7']['id']}"))["data"]["attributes"]
    assert one["vulnerability_count"] == 2


@pytest.mark.parametrize("route", ["vulnerabilities", "hosts", "statistics"])
def test_query_count_does_not_grow_with_page_size(api, world, scan_runs, route):
    scan, _older, run = scan_runs
    for n in range(12):
        RunHostFactory(run=run, ip=f"198.51.100.{100 + n}")
        ResultFactory(run=run, ip=f"198.51.100.{100 + n}")
    client = api.as_user(world.manager)
    client.get(f"/v2/scans/{scan.pk}/{route}", {"per_page": 1})
    counts = []
    for per_page in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/v2/scans/{scan.pk}/{route}", {"per_page": per_page}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_statistics_show_the_stored_delta_and_verdict_at_the_default_qod(api, world, scan_runs):
    """What the run stored when it finished (its scan_history shows the same); another min_qod
    works them out from the results."""
    scan, _older, newer = scan_runs
    ResultFactory(run=newer, severity=9.0)
    newer.delta, newer.pci_status = {"new": 4, "fixed": 2, "persisting": 7}, "fail"
    newer.save(update_fields=["delta", "pci_status"])
    client = api.as_user(world.user)
    stats = results(client.get(f"/v2/scans/{scan.pk}/statistics"))["data"]
    assert (stats["delta"], stats["pci_status"]) == ({"new": 4, "fixed": 2, "persisting": 7}, "fail")
    other = results(client.get(f"/v2/scans/{scan.pk}/statistics", {"min_qod": 50}))["data"]
    assert other["delta"] == {"new": 1, "fixed": 0, "persisting": 0}

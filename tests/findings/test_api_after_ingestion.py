"""The API over rows the real ingestion and finalize services wrote: two complete runs of a scan,
the weakness removed in between, and what every read route then shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from findings.models import FindingException

from .ingest_support import BANNER, HTTP_HEADERS, OLD_VERSION, TELNET, complete_run, finding, host, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")


def data(response):
    assert response.status_code == 200, response.content[:400]
    return response.json()["data"]


def test_two_runs_through_the_api(api, world):
    scan = new_scan(world.customer)
    first = complete_run(scan, [host("192.0.2.10", HTTP_HEADERS, TELNET, BANNER, OLD_VERSION), host("192.0.2.11", HTTP_HEADERS)])
    second = complete_run(scan, [host("192.0.2.10", HTTP_HEADERS, BANNER, OLD_VERSION), host("192.0.2.11", HTTP_HEADERS)])
    client = api.as_user(world.viewer)

    latest = data(client.get(f"/v2/scans/{scan.pk}/vulnerabilities", {"per_page": 100}))
    assert sorted(item["attributes"]["nvt"] for item in latest) == sorted([HTTP_HEADERS, HTTP_HEADERS, BANNER])
    assert {item["attributes"]["history"]["id"] for item in latest} == {str(second.pk)}
    assert all(item["attributes"]["host"]["id"] for item in latest)  # the run's host records
    earlier = data(client.get(f"/v2/scans/{scan.pk}/vulnerabilities", {"history_id": str(first.pk), "min_qod": 0}))
    assert TELNET in {item["attributes"]["nvt"] for item in earlier} and OLD_VERSION in {item["attributes"]["nvt"] for item in earlier}

    stats = data(client.get(f"/v2/scans/{scan.pk}/statistics"))
    assert stats["history_id"] == str(second.pk) and stats["previous_history_id"] == str(first.pk)
    assert stats["delta"] == second.delta and stats["delta"]["fixed"] == 1
    assert stats["pci_status"] == second.pci_status == "fail"  # the headers check is medium
    assert stats["severity_counts"] == second.severity_counts

    telnet = data(client.get("/v2/vulnerabilities", {"q[nvt]": TELNET}))
    assert [item["attributes"]["status"] for item in telnet] == ["fixed"]
    assert data(client.get("/v2/vulnerabilities", {"q[nvt]": OLD_VERSION})) == []
    assert len(data(client.get("/v2/vulnerabilities", {"q[nvt]": OLD_VERSION, "min_qod": 0}))) == 1
    total = data(client.get("/v2/vulnerabilities/total"))
    assert total["severity_counts"]["high"] == 0 and total["severity_counts"]["medium"] == 2

    hosts = {h["attributes"]["ip"]: h["attributes"] for h in data(client.get("/v2/hosts"))}
    assert set(hosts) == {"192.0.2.10", "192.0.2.11"}
    assert hosts["192.0.2.10"]["vulnerability_count"] == 2  # headers and banner; telnet fixed, the version match below QoD
    assert [h["attributes"]["ip"] for h in data(client.get("/v2/hosts/most_vulnerable"))][0] in hosts
    pci = data(client.get("/v2/vulnerabilities/pci_compliance"))
    assert pci["pci_status"] == "fail" and pci["targets"][0]["id"] == str(scan.target_id)


def test_a_false_positive_turns_the_verdict(api, world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.10", HTTP_HEADERS)])
    client = api.as_user(world.user)
    assert data(client.get("/v2/vulnerabilities/pci_compliance"))["pci_status"] == "fail"
    created = client.post("/v2/exceptions", {"exception": {"text": "Headers are set by the proxy", "nvt": HTTP_HEADERS}})
    assert created.status_code == 201, created.content
    assert data(client.get("/v2/vulnerabilities/pci_compliance"))["pci_status"] == "pass"
    assert data(client.get("/v2/vulnerabilities/total"))["severity_counts"]["false_positive"] == 1
    assert data(client.get(f"/v2/scans/{scan.pk}/statistics"))["pci_status"] == "pass"
    client.put("/v2/exceptions/reset", {"ids": [created.json()["data"]["id"]]})
    assert data(client.get("/v2/vulnerabilities/pci_compliance"))["pci_status"] == "fail"
    assert data(client.get(f"/v2/scans/{scan.pk}/statistics"))["pci_status"] == "fail"


def only_finding(client, nvt):
    items = data(client.get("/v2/vulnerabilities", {"q[nvt]": nvt, "min_qod": 0}))
    assert len(items) == 1, items
    return items[0]["attributes"]


def test_a_finding_seen_again_keeps_first_seen_and_moves_last_seen(api, world):
    """Most findings of a run were there before with the same content: ingestion only moves their
    sighting (status, run, last_seen); what the API shows is the same as a full rewrite."""
    scan = new_scan(world.customer)
    first = complete_run(scan, [host("192.0.2.10", HTTP_HEADERS, BANNER)])
    client = api.as_user(world.viewer)
    before = only_finding(client, HTTP_HEADERS)
    assert (before["status"], before["history"]["id"]) == ("new", str(first.pk))

    second = complete_run(scan, [host("192.0.2.10", HTTP_HEADERS, BANNER)])
    after = only_finding(client, HTTP_HEADERS)
    assert (after["status"], after["history"]["id"], after["first_seen"]) == ("open", str(second.pk), before["first_seen"])
    assert after["last_seen"] > before["last_seen"]
    assert {k: after[k] for k in ("severity", "detection", "name")} == {k: before[k] for k in ("severity", "detection", "name")}
    listed = data(client.get("/v2/vulnerabilities", {"sort": "-last_seen", "min_qod": 0}))
    assert [item["attributes"]["last_seen"] for item in listed] == sorted((item["attributes"]["last_seen"] for item in listed),
                                                                        reverse=True)
    assert second.delta == {"new": 0, "fixed": 0, "persisting": 2}

    changed = finding(HTTP_HEADERS, detection="X-Frame-Options: missing, now also CSP")
    complete_run(scan, [host("192.0.2.10", findings=[changed, finding(BANNER)])])
    assert only_finding(client, HTTP_HEADERS)["detection"] == "X-Frame-Options: missing, now also CSP"


def test_an_expired_exception_is_undone_by_the_next_run(api, world):
    """A finding changed by an exception's re-evaluation is written whole by the next run, so an
    exception past its end time (the expiry job not run yet) no longer shows."""
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.10", HTTP_HEADERS)])
    client = api.as_user(world.user)
    created = client.post("/v2/exceptions", {"exception": {"text": "Proxy sets them", "nvt": HTTP_HEADERS,
                                                           "new_severity": 2.0}})
    assert created.status_code == 201, created.content
    assert (only_finding(client, HTTP_HEADERS)["severity"], only_finding(client, HTTP_HEADERS)["excepted"]) == (2.0, True)
    FindingException.objects.update(end_time=timezone.now() - timedelta(minutes=1))  # expired, not yet switched off
    complete_run(scan, [host("192.0.2.10", HTTP_HEADERS)])
    seen = only_finding(client, HTTP_HEADERS)
    assert (seen["severity"], seen["excepted"], seen["status"]) == (5.3, False, "open")

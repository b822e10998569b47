"""The ingestion service (findings.services.ingest.store_hosts): rows, fingerprints, the host
inventory, catalogue text per organization, and a constant number of queries per batch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings.models import CheckInfo, Finding, Host, Result
from findings.services.ingest import store_hosts
from scanning.models import RunHost

from .ingest_support import BANNER, HTTP_HEADERS, OLD_VERSION, TELNET, finding, host, new_run, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")


def test_a_batch_becomes_run_hosts_results_findings_and_inventory(world):
    run = new_run(new_scan(world.customer))
    store_hosts(run, [host("192.0.2.1", HTTP_HEADERS, TELNET, hostname="www.example.test"),
                      host("192.0.2.2", alive=False)])
    assert sorted(RunHost.objects.filter(run=run).values_list("ip", "alive")) == [("192.0.2.1", True), ("192.0.2.2", False)]
    assert list(Host.objects.values_list("ip", "hostname")) == [("192.0.2.1", "www.example.test")]  # the dead one is not inventory
    results = {r.nvt: r for r in Result.objects.filter(run=run)}
    assert set(results) == {HTTP_HEADERS, TELNET}
    telnet = results[TELNET]
    assert (telnet.port, telnet.protocol, telnet.severity, telnet.severity_level, telnet.pci_fail) == (23, "tcp", 7.5, "high", True)
    assert telnet.detection == f"evidence of {TELNET}" and telnet.name == "Telnet service"
    current = Finding.objects.get(nvt=TELNET)
    assert telnet.finding_id == current.pk and current.host.ip == "192.0.2.1"
    assert (current.status, current.run_id, current.scan_id, current.hostname) == ("new", run.pk, run.scan_id, "www.example.test")
    assert CheckInfo.objects.get(organization=world.customer, nvt=TELNET).family == "remote_access"
    assert Host.objects.get().ports == [{"port": 23, "protocol": "tcp", "service": "http", "product": "", "version": "",
                                         "cpe": "", "tls": False},
                                        {"port": 80, "protocol": "tcp", "service": "http", "product": "", "version": "",
                                         "cpe": "", "tls": False}]


def test_the_same_fingerprint_is_one_finding(world):
    scan = new_scan(world.customer)
    first, second = new_run(scan), new_run(scan)
    store_hosts(first, [host("192.0.2.1", HTTP_HEADERS)])
    store_hosts(first, [host("192.0.2.1", HTTP_HEADERS)])  # stored again: no second row
    duplicate = [finding(HTTP_HEADERS, severity=4.0), finding(HTTP_HEADERS, severity=6.1)]
    store_hosts(second, [host("192.0.2.1", findings=duplicate)])  # twice in one batch: the most severe stays
    assert Finding.objects.count() == 1 and Host.objects.count() == 1
    assert Result.objects.filter(run=first).count() == 1 and Result.objects.filter(run=second).count() == 1
    assert Finding.objects.get().severity == 6.1
    # Another port, another protocol or another organization is another finding.
    store_hosts(second, [host("192.0.2.9", findings=[finding(HTTP_HEADERS, port=8080), finding(HTTP_HEADERS, protocol="udp")])])
    store_hosts(new_run(new_scan(world.other_org)), [host("192.0.2.1", HTTP_HEADERS)])
    assert Finding.objects.count() == 4
    # One address twice in a batch (an imported report may list it so) is one host and one finding.
    store_hosts(new_run(new_scan(world.customer)), [host("192.0.2.50", HTTP_HEADERS), host("192.0.2.50", HTTP_HEADERS)])
    assert Host.objects.filter(ip="192.0.2.50").count() == 1 and Finding.objects.filter(ip="192.0.2.50").count() == 1
    assert Finding.objects.filter(organization=world.other_org).count() == 1


def test_statuses_new_open_and_first_seen_kept(world):
    scan = new_scan(world.customer)
    first = new_run(scan)
    store_hosts(first, [host("192.0.2.1", HTTP_HEADERS)])
    seen = Finding.objects.get()
    assert seen.status == "new"
    second = new_run(scan)
    store_hosts(second, [host("192.0.2.1", HTTP_HEADERS)])
    again = Finding.objects.get()
    assert (again.status, again.first_seen, again.run_id) == ("open", seen.first_seen, second.pk)
    assert again.last_seen > seen.last_seen
    Finding.objects.update(status="fixed")
    store_hosts(new_run(scan), [host("192.0.2.1", HTTP_HEADERS)])
    assert Finding.objects.get().status == "reopened"


def test_an_import_never_rewrites_builtin_text_or_another_tenant(world):
    store_hosts(new_run(new_scan(world.customer)), [host("192.0.2.1", HTTP_HEADERS)])
    imported = finding(HTTP_HEADERS, name="Imported name", summary="Their words", source="gvm")
    store_hosts(new_run(new_scan(world.customer)), [host("192.0.2.2", findings=[imported])])
    assert CheckInfo.objects.get(organization=world.customer, nvt=HTTP_HEADERS).summary == f"About {HTTP_HEADERS}"
    gvm = finding(OLD_VERSION, nvt="1.3.6.1.4.1.25623.1.0.1", summary="Greenbone text", source="gvm")
    store_hosts(new_run(new_scan(world.other_org)), [host("192.0.2.3", findings=[gvm])])
    assert not CheckInfo.objects.filter(organization=world.customer, nvt=gvm.nvt).exists()
    assert CheckInfo.objects.get(organization=world.other_org, nvt=gvm.nvt).summary == "Greenbone text"
    newer = finding(HTTP_HEADERS, summary="Catalogue text, next release")
    store_hosts(new_run(new_scan(world.customer)), [host("192.0.2.4", findings=[newer])])
    assert CheckInfo.objects.get(organization=world.customer, nvt=HTTP_HEADERS).summary == "Catalogue text, next release"


def test_inventory_keeps_first_seen_and_merges_what_it_learns(world):
    scan = new_scan(world.customer)
    store_hosts(new_run(scan), [host("192.0.2.1", HTTP_HEADERS, hostname="a.example.test")])
    first = Host.objects.get()
    later = host("192.0.2.1", TELNET)
    later.os, later.mac = "Linux", "00:11:22:33:44:55"
    store_hosts(new_run(scan), [later])
    now = Host.objects.get()
    assert (now.first_seen, now.hostname, now.os, now.mac) == (first.first_seen, "a.example.test", "Linux", "00:11:22:33:44:55")
    assert [p["port"] for p in now.ports] == [23, 80]
    assert now.last_seen > first.last_seen


def batch(size, offset=0):
    return [host(f"10.{offset}.{i // 250}.{i % 250 + 1}", HTTP_HEADERS, TELNET, BANNER) for i in range(size)]


def queries_to_store(run, hosts):
    with CaptureQueriesContext(connection) as captured:
        store_hosts(run, hosts)
    return len(captured)


def test_queries_per_batch_are_constant(world):
    """Every table is read and written once per batch, whatever its size: new findings, and
    findings seen again (a narrower write), each cost the same number of queries for 5 hosts as
    for 400. (SQLite splits a bulk insert past 999 parameters, so there the batches stay under that.)"""
    small, large = (2, 11) if connection.vendor == "sqlite" else (5, 400)
    scan = new_scan(world.customer)
    store_hosts(new_run(scan), batch(1, offset=9))  # the organization's catalogue rows exist from here on
    new_small = queries_to_store(new_run(scan), batch(small))
    assert queries_to_store(new_run(scan), batch(large, offset=1)) == new_small  # new rows
    seen_small = queries_to_store(new_run(scan), batch(small))
    assert queries_to_store(new_run(scan), batch(large, offset=1)) == seen_small  # the same fingerprints again
    assert max(new_small, seen_small) <= 40  # on PostgreSQL: per part, staging (CREATE, COPY, DELETE), INSERT
    assert Finding.objects.count() == 3 * (1 + small + large)

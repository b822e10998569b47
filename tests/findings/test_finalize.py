"""finalize() of a complete run and summarize_partial() of a stopped one: statuses, the host-alive
rule, deltas, counts, the QoD rule and the PCI verdict, copied to the scan and the hosts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings.models import Finding, Host, Result
from findings.services.finalize import Scope
from scanning.models import Scan
from scanning.ports import parse_port_ranges

from .ingest_support import (
    BANNER,
    HTTP_HEADERS,
    OLD_VERSION,
    TELNET,
    complete_run,
    finding,
    host,
    new_scan,
    partial_run,
)

pytestmark = pytest.mark.usefixtures("subscribed")


def statuses():
    return dict(Finding.objects.values_list("nvt", "status"))


def test_new_open_fixed_reopened(world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET)])
    assert statuses() == {HTTP_HEADERS: "new", TELNET: "new"}
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS)])
    assert statuses() == {HTTP_HEADERS: "open", TELNET: "fixed"}
    assert Finding.objects.get(nvt=TELNET).fixed_at is not None
    run = complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET)])
    assert statuses() == {HTTP_HEADERS: "open", TELNET: "reopened"}
    assert Finding.objects.get(nvt=TELNET).fixed_at is None
    assert dict(Result.objects.filter(run=run).values_list("nvt", "delta")) == {HTTP_HEADERS: "persisting", TELNET: "reopened"}
    assert run.delta == {"new": 1, "fixed": 0, "persisting": 1}


def test_a_host_that_is_down_keeps_its_findings(world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS), host("192.0.2.2", HTTP_HEADERS)])
    run = complete_run(scan, [host("192.0.2.1"), host("192.0.2.2", alive=False)])
    assert dict(Finding.objects.values_list("ip", "status")) == {"192.0.2.1": "fixed", "192.0.2.2": "new"}
    assert run.delta == {"new": 0, "fixed": 1, "persisting": 0}


def test_only_ports_and_families_the_run_looked_at_are_fixed(world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", findings=[finding(HTTP_HEADERS), finding(HTTP_HEADERS, port=8443), finding(TELNET)])])
    web_only = Scope(families=["web_servers"], ports=parse_port_ranges("T:1-1024"))
    complete_run(scan, [host("192.0.2.1")], scope=web_only)
    assert dict(Finding.objects.values_list("port", "status")) == {80: "fixed", 8443: "new", 23: "new"}
    complete_run(scan, [host("192.0.2.1")], scope=Scope(families=[], ports=None))  # discovery: fixes nothing
    assert Finding.objects.filter(status="fixed").count() == 1


def test_a_partial_run_never_fixes(world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET)])
    for status in ("stopped", "interrupted"):
        run = partial_run(scan, [host("192.0.2.1", HTTP_HEADERS)], status=status)
        assert statuses() == {HTTP_HEADERS: "open", TELNET: "new"}
        assert run.severity_counts["medium"] == 1 and run.pci_status is None and run.delta == {}
        assert Result.objects.filter(run=run).count() == 1  # what it stored is kept


def test_counts_verdict_and_the_qod_rule(world):
    scan = new_scan(world.customer)
    run = complete_run(scan, [host("192.0.2.1", BANNER, OLD_VERSION), host("192.0.2.2", BANNER)])
    # A version-only match (qod 30) is stored but counts nowhere; log findings never fail PCI.
    assert run.severity_counts == {"high": 0, "medium": 0, "low": 0, "log": 2, "false_positive": 0}
    assert (run.max_severity, run.pci_status) == (0.0, "pass")
    assert Result.objects.filter(run=run, nvt=OLD_VERSION, qod=30).exists()
    saved = Scan.objects.get(pk=scan.pk)
    assert (saved.severity_counts, saved.max_severity, saved.pci_status) == (run.severity_counts, 0.0, "pass")
    run = complete_run(scan, [host("192.0.2.1", findings=[finding(BANNER, pci_fail=True)])])
    assert run.pci_status == "fail"  # pci_fail whatever the severity
    run = complete_run(scan, [host("192.0.2.1", findings=[finding(BANNER, severity=4.0)])])
    assert (run.pci_status, run.max_severity, run.severity_counts["medium"]) == ("fail", 4.0, 1)
    run = complete_run(scan, [host("192.0.2.1", findings=[finding(BANNER, severity=3.9)])])
    assert (run.pci_status, run.severity_counts["low"]) == ("pass", 1)
    assert Scan.objects.get(pk=scan.pk).pci_status == "pass"


def test_deltas_against_the_previous_done_run_of_the_scan(world):
    scan = new_scan(world.customer)
    first = complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET, BANNER)])
    assert first.delta == {"new": 3, "fixed": 0, "persisting": 0}
    partial_run(scan, [host("192.0.2.1")])  # not a done run: no baseline
    complete_run(new_scan(world.customer), [host("192.0.2.1", OLD_VERSION)])  # another scan: not its baseline
    second = complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, findings=[finding(HTTP_HEADERS), finding(HTTP_HEADERS, port=81)])])
    assert second.delta == {"new": 1, "fixed": 2, "persisting": 1}
    assert sorted(Result.objects.filter(run=second).values_list("port", "delta")) == [(80, "persisting"), (81, "new")]


def test_host_counts_follow_current_findings(world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET, BANNER, OLD_VERSION)])
    counted = Host.objects.get()
    assert (counted.vulnerability_count, counted.max_severity) == (3, 7.5)
    assert counted.severity_counts == {"high": 1, "medium": 1, "low": 0, "log": 1}
    complete_run(scan, [host("192.0.2.1", BANNER)])
    counted.refresh_from_db()
    assert (counted.vulnerability_count, counted.max_severity, counted.severity_counts["high"]) == (1, 0.0, 0)


def test_finalize_costs_a_constant_number_of_queries(world):
    from findings.services.finalize import finalize
    from findings.services.ingest import store_hosts

    from .ingest_support import SCOPE, new_run

    def measured(size):
        scan = new_scan(world.customer)
        complete_run(scan, [host(f"10.0.{size}.{i}", HTTP_HEADERS, TELNET) for i in range(1, size + 1)])
        run = new_run(scan)
        store_hosts(run, [host(f"10.0.{size}.{i}", HTTP_HEADERS) for i in range(1, size + 1)])
        run.status = "done"
        with CaptureQueriesContext(connection) as captured:
            finalize(run, SCOPE)
        assert Finding.objects.filter(ip__startswith=f"10.0.{size}.", status="fixed").count() == size
        return len(captured)

    assert measured(3) == measured(30)


def test_the_overdue_pci_reminder_uses_real_verdicts(world, settings):
    from datetime import timedelta

    from events.services.pci import overdue
    from scanning.models import ScanRun

    subscribed_pci = {world.customer.pk, world.partner_org.pk, world.other_org.pk}
    assert {org for org, last in overdue()} == subscribed_pci  # nobody has passed a PCI scan yet
    scan = new_scan(world.customer)
    failing = complete_run(scan, [host("192.0.2.1", TELNET)])
    assert failing.pci_status == "fail"
    assert world.customer.pk in {org for org, _last in overdue()}  # a failing scan is no pass
    passing = complete_run(scan, [host("192.0.2.1", BANNER)])
    assert {org for org, _last in overdue()} == subscribed_pci - {world.customer.pk}
    ScanRun.objects.filter(pk=passing.pk).update(finished_at=passing.finished_at - timedelta(days=91))
    assert dict(overdue())[world.customer.pk] == passing.finished_at - timedelta(days=91)


def test_scope_knows_which_ports_a_run_scanned():
    scope = Scope(families=["web_servers"], ports=parse_port_ranges("T:22,80-90,443,U:161"))
    assert [p for p in (0, 21, 22, 23, 79, 80, 85, 90, 91, 443, 444) if scope.scanned(p, "tcp")] == [0, 22, 80, 85, 90, 443]
    assert scope.scanned(161, "udp") and not scope.scanned(161, "tcp") and not scope.scanned(53, "udp")
    assert Scope().scanned(12345, "tcp")  # an import: every port it lists

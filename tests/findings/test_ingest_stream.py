"""store_batches: a stream of batches, each read before the previous one is written (Python builds
one batch while the database writes the one before). It must store exactly what storing the
batches one by one stores, carry new catalogue rows from one batch to the next, keep every batch
in its own transaction, and cost a constant number of queries per batch."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from findings.models import CheckInfo, Finding, Host, Result
from findings.services.finalize import finalize
from findings.services.ingest import store_batches, store_hosts
from scanning.choices import RunStatus
from scanning.models import RunHost, ScanRun

from .ingest_support import BANNER, HTTP_HEADERS, SCOPE, TELNET, finding, host, new_run, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")


def hosts_of(count, offset=0, *nvts):
    return [host(f"192.0.{2 + (offset + i) // 250}.{(offset + i) % 250 + 1}", *(nvts or (HTTP_HEADERS, TELNET, BANNER)))
            for i in range(count)]


def done(run):
    ScanRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    run.status = RunStatus.DONE
    finalize(run, SCOPE)


def snapshot(organization):
    findings = sorted(Finding.objects.filter(organization=organization)
                      .values_list("nvt", "ip", "port", "status", "severity", "host__ip", "check_info__nvt"))
    results = sorted(Result.objects.filter(organization_id=organization.pk)
                     .values_list("run__scan__name", "nvt", "ip", "delta", "severity"))
    hosts = sorted(Host.objects.filter(organization=organization).values_list("ip", "vulnerability_count"))
    return findings, results, hosts


def two_runs(scan, store):
    """Two done runs of `scan`: the second misses TELNET on .1 (fixed), adds a check on .2 (new)."""
    first, second = new_run(scan), new_run(scan)
    store(first, [hosts_of(3), hosts_of(3, 3), hosts_of(2, 6)])
    done(first)
    changed = hosts_of(3)
    changed[0] = host("192.0.2.1", HTTP_HEADERS, BANNER)
    changed[1].findings.append(finding(HTTP_HEADERS, nvt="CG-TEST-NEW", port=8080))
    store(second, [changed, hosts_of(3, 3), hosts_of(2, 6)])
    done(second)
    return second


def test_a_stream_stores_what_batches_one_by_one_store(world):
    def one_by_one(run, batches):
        for batch in batches:
            store_hosts(run, batch)

    two_runs(new_scan(world.customer, name="A"), one_by_one)
    two_runs(new_scan(world.other_org, name="A"), store_batches)
    expected, streamed = snapshot(world.customer), snapshot(world.other_org)
    assert streamed == expected
    deltas = [delta for scan, _nvt, _ip, delta, _severity in streamed[1]]
    assert deltas.count("new") == 24 + 1 and deltas.count("persisting") == 23  # 8 hosts x 3 checks, then 23 again + 1 new
    assert ScanRun.objects.filter(organization=world.other_org).order_by("created_at").last().delta == {
        "new": 1, "fixed": 1, "persisting": 23}


def test_a_finding_another_scan_saw_meanwhile_is_still_persisting(world):
    """The delta is staged from Python only when the finding's last sighting is the previous done
    run; when another scan saw it since, it is looked up among the previous run's results."""
    mine, other = new_scan(world.customer), new_scan(world.customer)
    first = new_run(mine)
    store_batches(first, [hosts_of(1)])
    done(first)
    store_batches(new_run(other), [hosts_of(1)])  # the same fingerprints, another scan's run
    second = new_run(mine)
    store_batches(second, [hosts_of(1)])
    assert set(Result.objects.filter(run=second).values_list("delta", flat=True)) == {"persisting"}


def test_a_check_new_in_one_batch_is_one_catalogue_row_for_the_next(world):
    run = new_run(new_scan(world.customer))
    fresh = finding(HTTP_HEADERS, nvt="CG-TEST-FRESH", name="A check nobody stored yet")
    store_batches(run, [[host("192.0.2.1", findings=[fresh])], [host("192.0.2.2", findings=[fresh])],
                        [host("192.0.2.3", findings=[fresh])]])
    checks = CheckInfo.objects.filter(organization=world.customer, nvt="CG-TEST-FRESH")
    assert checks.count() == 1 and checks.get().name == "A check nobody stored yet"
    assert set(Finding.objects.filter(nvt="CG-TEST-FRESH").values_list("check_info_id", flat=True)) == {checks.get().pk}


def test_a_failing_batch_rolls_back_itself_only(world):
    """Batch 2 breaks a constraint (a negative port): batch 1 stays stored, batch 2 is not, and the
    stream stops there (batch 3 is read but never written)."""
    run = new_run(new_scan(world.customer))
    broken = [host("192.0.2.2", findings=[finding(HTTP_HEADERS, port=-1)])]
    with pytest.raises(IntegrityError):
        store_batches(run, [hosts_of(1), broken, hosts_of(1, 2)])
    assert sorted(RunHost.objects.filter(run=run).values_list("ip", flat=True)) == ["192.0.2.1"]
    assert set(Finding.objects.values_list("ip", flat=True)) == {"192.0.2.1"}


def test_queries_per_batch_of_a_stream_are_constant(world):
    small, large = (2, 11) if connection.vendor == "sqlite" else (5, 200)
    scan = new_scan(world.customer)
    store_hosts(new_run(scan), hosts_of(1, 240))  # the catalogue rows exist from here on

    def queries(size):
        with CaptureQueriesContext(connection) as captured:
            store_batches(new_run(scan), [hosts_of(size), hosts_of(size, size), hosts_of(size, 2 * size)])
        return len(captured)

    assert queries(large) == queries(small)


@pytest.mark.django_db(transaction=True)
def test_a_native_runs_batches_commit_each_and_leave_the_session_as_it_was(world):
    """Outside any transaction (a worker's native run) every batch commits on its own, without
    waiting for the disk (PostgreSQL); the session's settings are its own again afterwards."""
    run = new_run(new_scan(world.customer))
    assert not connection.in_atomic_block
    store_batches(run, [hosts_of(1), hosts_of(1, 1)])
    assert RunHost.objects.filter(run=run).count() == 2 and Finding.objects.count() == 6
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
            cursor.execute("SHOW enable_hashjoin")
            assert cursor.fetchone() == ("on",)

"""GET /v2/vulnerabilities' total_count from the cache (findings/services/list_counts.py): served
while the organization's findings are unchanged, counted again after every write (ingestion,
finalize, exceptions), in this process and when another process writes."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.scanning.conftest import database_url

from .ingest_support import HTTP_HEADERS, TELNET, complete_run, host, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")
BASE_DIR = Path(__file__).resolve().parents[2]


def listed(client, **params):
    """(total_count, whether the request ran a COUNT query)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/v2/vulnerabilities", params)
    assert response.status_code == 200, response.content[:400]
    counted = any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    return response.json()["meta"]["total_count"], counted


@pytest.fixture
def count_cache(settings):
    """The count cache on, over this process's own cache (a fresh one per test)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"counts-{uuid.uuid4().hex}"}}
    settings.FINDINGS_COUNT_CACHE = True


@pytest.mark.usefixtures("count_cache")
def test_count_is_served_until_ingestion_writes(api, world, django_capture_on_commit_callbacks):
    scan = new_scan(world.customer)
    with django_capture_on_commit_callbacks(execute=True):
        complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET)])
    client = api.as_user(world.user)
    assert listed(client) == (2, True)
    assert listed(client) == (2, False)  # from the cache
    assert listed(client, per_page=1, page=2, sort_by="name") == (2, False)  # the page and order do not count
    assert listed(client, **{"q[severity_level]": "high"}) == (1, True)  # each filter its own count

    with django_capture_on_commit_callbacks(execute=True):
        complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET), host("192.0.2.2", TELNET)])
    assert listed(client) == (3, True)
    assert listed(client, **{"q[severity_level]": "high"}) == (2, True)


@pytest.mark.usefixtures("count_cache")
def test_fixed_findings_and_exceptions_change_the_count(api, world, django_capture_on_commit_callbacks):
    scan = new_scan(world.customer)
    with django_capture_on_commit_callbacks(execute=True):
        complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET)])
    client = api.as_user(world.user)
    assert listed(client, **{"q[status]": "fixed"}) == (0, True)
    assert listed(client, **{"q[severity_level]": "high"})[0] == 1

    with django_capture_on_commit_callbacks(execute=True):  # the telnet weakness is gone: finalize fixes it
        complete_run(scan, [host("192.0.2.1", HTTP_HEADERS)])
    assert listed(client, **{"q[status]": "fixed"}) == (1, True)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(world.manager).post("/v2/exceptions", {"exception": {
            "text": "Accepted", "nvt": TELNET, "new_severity": -1}})
    assert response.status_code == 201, response.content[:400]
    assert listed(client, **{"q[severity_level]": "high"}) == (0, True)
    assert listed(client, **{"q[severity_level]": "false_positive"}) == (1, True)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.as_user(world.manager).delete(f"/v2/exceptions/{response.json()['data']['id']}")
    assert deleted.status_code in (200, 204), deleted.content[:400]
    assert listed(client, **{"q[severity_level]": "high"}) == (1, True)


@pytest.mark.usefixtures("count_cache")
def test_counted_every_time_where_a_cache_could_not_follow(api, world):
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS)])
    partner = api.as_user(world.partner)  # sees many organizations
    assert listed(partner) == (1, True) and listed(partner) == (1, True)
    user = api.as_user(world.user)  # a window that moves with the clock
    assert listed(user, relative_date_range="1d") == (1, True) and listed(user, relative_date_range="1d") == (1, True)


def test_off_with_a_local_memory_cache(api, world, settings):
    """The tests' (and a default install's) cache is per process: the count is never cached."""
    assert settings.FINDINGS_COUNT_CACHE is False
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS)])
    client = api.as_user(world.user)
    assert listed(client) == (1, True) and listed(client) == (1, True)


@pytest.fixture
def shared_cache(settings):
    """A Redis cache that this process and a subprocess share, under a key prefix of this test."""
    import redis

    url = settings.REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url} in CI: {exc}")
        pytest.skip(f"Redis is not reachable at {url}")
    prefix = f"test-counts-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}
    settings.FINDINGS_COUNT_CACHE = True
    yield url, prefix
    redis.Redis.from_url(url).delete(*redis.Redis.from_url(url).keys(f"{prefix}:*") or [b"-"])


@pytest.mark.django_db(transaction=True)
def test_a_write_in_another_process_is_counted(api, world, shared_cache):
    """A worker process ingests a run: the web process's next list counts the new finding."""
    url, prefix = shared_cache
    scan = new_scan(world.customer)
    complete_run(scan, [host("192.0.2.1", HTTP_HEADERS)])
    client = api.as_user(world.user)
    assert listed(client) == (1, True)
    assert listed(client) == (1, False)

    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run([sys.executable, "-m", "tests.findings.count_cache_writer", url, prefix, str(scan.pk)],
                          cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert listed(client) == (3, True)
    assert listed(client) == (3, False)


def test_an_unreachable_cache_means_counting_not_failing(api, world, settings, django_capture_on_commit_callbacks):
    """Redis down: the list still answers with the exact count and a write still succeeds."""
    from tests.daemons import free_port

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}  # nothing listens there
    settings.FINDINGS_COUNT_CACHE = True
    scan = new_scan(world.customer)
    with django_capture_on_commit_callbacks(execute=True):
        complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET)])  # the version change is logged, not raised
    client = api.as_user(world.user)
    assert listed(client) == (2, True)
    with django_capture_on_commit_callbacks(execute=True):
        complete_run(scan, [host("192.0.2.1", HTTP_HEADERS, TELNET), host("192.0.2.2", TELNET)])
    assert listed(client) == (3, True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the covering index is SQLite's (migration 0008)")
def test_without_a_count_cache_sqlite_counts_from_a_covering_index(api, world):
    """The embedded setup has no shared count cache, so every list counts: from the index
    (organization, product, qod), not by reading every finding."""
    client = api.as_user(world.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/v2/vulnerabilities").status_code == 200
    [count] = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {count}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX finding_qod_count" in plan, plan

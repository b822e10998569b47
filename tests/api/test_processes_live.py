"""Two real server processes (gunicorn, one worker each) on this test's database, sharing Redis as
their cache, as production runs several: a revoked credential is refused at once by the process
that did not revoke it, and the per-user and per-address rates hold across both, not per process."""

import os
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
import requests

from accounts.services.tokens import issue_session_token
from tests.daemons import Daemon, free_port
from tests.scanning.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
USER_RATE, ANON_RATE = 10, 4  # per hour: no window ends during a test


@pytest.fixture
def servers(world):
    """Base URLs of two server processes sharing the database and one Redis cache."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "TEST_CACHE_URL": f"{REDIS_URL}?key_prefix=live-{uuid.uuid4().hex}",
           "TEST_THROTTLE_USER_RATE": f"{USER_RATE}/hour", "TEST_THROTTLE_ANON_RATE": f"{ANON_RATE}/hour",
           "PYTHONUNBUFFERED": "1"}
    with ExitStack() as stack:
        urls = []
        for _ in range(2):
            port = free_port()
            argv = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--threads", "4",
                    "--bind", f"127.0.0.1:{port}", "--timeout", "60"]
            stack.enter_context(Daemon(argv, ready_port=port, env=env, cwd=BASE_DIR, timeout=60))
            urls.append(f"http://127.0.0.1:{port}")
        yield urls


def call(method, url, path, key, token=None):
    headers = {"X-API-KEY": key, **({"Authorization": f"Bearer {token}"} if token else {})}
    return requests.request(method, url + path, headers=headers, timeout=30)


def me(url, key, token):
    return call("GET", url, "/v2/user/me", key, token)


def test_a_revoked_session_key_or_user_is_refused_at_once_by_the_other_process(servers, world):
    first, second = servers
    token, _ = issue_session_token(world.manager)
    assert me(first, world.api_key, token).status_code == 200
    assert me(second, world.api_key, token).json()["data"]["attributes"]["role"] == "Manager"

    world.manager.role = "User"  # a role change: the next request on any process sees it
    world.manager.save(update_fields=["role"])
    assert me(second, world.api_key, token).json()["data"]["attributes"]["role"] == "User"

    assert call("DELETE", first, "/auth/sign_out", world.api_key, token).status_code == 200
    refused = me(second, world.api_key, token)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]

    token, _ = issue_session_token(world.user)
    assert me(second, world.api_key, token).status_code == 200
    world.user.is_active = False  # deactivated
    world.user.save(update_fields=["is_active"])
    assert [me(url, world.api_key, token).status_code for url in servers] == [401, 401]

    token, _ = issue_session_token(world.viewer)
    assert me(first, world.api_key, token).status_code == 200
    from accounts.models import ApiKey

    ApiKey.objects.update(active=False)  # the key revoked
    answers = [me(url, world.api_key, token) for url in servers]
    assert [(a.status_code, a.json()["message"]) for a in answers] == [(401, "Invalid API key")] * 2


def test_the_per_user_rate_holds_across_processes(servers, world):
    token, _ = issue_session_token(world.manager)
    answers = [me(servers[i % 2], world.api_key, token) for i in range(USER_RATE + 3)]
    assert [a.status_code for a in answers] == [200] * USER_RATE + [429] * 3
    for refused in answers[USER_RATE:]:
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    other, _ = issue_session_token(world.user)  # another user has a rate of its own
    assert me(servers[1], world.api_key, other).status_code == 200

    # Parallel requests on both processes never both take the last slot.
    token, _ = issue_session_token(world.viewer)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: me(servers[i % 2], world.api_key, token).status_code, range(16)))
    assert sorted(statuses) == [200] * USER_RATE + [429] * 6


def test_the_per_address_rate_holds_across_processes(servers, world):
    """Calls made before signing in count per client address (here 127.0.0.1 for both)."""
    statuses = [call("GET", servers[i % 2], "/auth/invitation?invitation_token=nothing", world.api_key).status_code
                for i in range(ANON_RATE + 2)]
    assert 429 not in statuses[:ANON_RATE] and statuses[ANON_RATE:] == [429, 429], statuses
    spoofed = requests.get(servers[0] + "/auth/invitation?invitation_token=nothing", timeout=30,
                           headers={"X-API-KEY": world.api_key, "X-Forwarded-For": "203.0.113.9"})
    assert spoofed.status_code == 429  # a made-up X-Forwarded-For is not a new address

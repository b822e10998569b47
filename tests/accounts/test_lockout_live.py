"""The sign-in lockout against a real server (gunicorn, 2 worker processes × 4 threads, on this
test's database): wrong passwords sent in parallel are counted atomically and across processes,
so the right password afterwards is refused; an unknown username gets the identical answers."""

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.daemons import Daemon, free_port
from tests.scanning.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
PARALLEL = 8


@pytest.fixture
def server(world):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "SIGN_IN_MAX_FAILURES": "5", "SIGN_IN_IP_MAX_FAILURES": "1000", "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--threads", "4",
            "--bind", f"127.0.0.1:{port}", "--timeout", "60"]
    with Daemon(argv, ready_port=port, env=env, cwd=BASE_DIR, timeout=30):
        yield f"http://127.0.0.1:{port}"


def sign_in(url, key, username, password):
    response = requests.post(f"{url}/auth/sign_in", json={"username": username, "password": password},
                             headers={"X-API-KEY": key}, timeout=30)
    return response.status_code, response.json()


def attack(url, key, username):
    """PARALLEL wrong passwords at once, then the right one: the answers, in a comparable form."""
    with ThreadPoolExecutor(PARALLEL) as pool:
        wrong = list(pool.map(lambda i: sign_in(url, key, username, f"wrong-password-{i}"), range(PARALLEL)))
    after = sign_in(url, key, username, PASSWORD)
    return sorted((status, body["message"]) for status, body in wrong), (after[0], after[1]["message"])


def test_parallel_wrong_passwords_lock_the_account_and_unknown_names_answer_alike(server, world):
    sign_in(server, world.api_key, "warm-up", "x")  # both workers loaded before the attack
    known_wrong, known_after = attack(server, world.api_key, "manager")
    assert known_after[0] == 429, known_after  # locked: the right password is refused
    statuses = [status for status, _ in known_wrong]
    assert statuses.count(401) == 5 and statuses.count(429) == PARALLEL - 5, known_wrong  # at most 5 guesses checked

    unknown_wrong, unknown_after = attack(server, world.api_key, "nobody-at-all")
    assert (unknown_wrong, unknown_after) == (known_wrong, known_after)

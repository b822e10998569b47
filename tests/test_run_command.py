"""The README's run command, started for real (issue 13, items 5 and 6): it makes a secret key
once per install into .env (keeping the lines already there), serves with debug off (real 404
page, no debug page, JSON errors under /v2), answers only to its own host names, sends HSTS and
secure cookies as soon as a TLS proxy is in front, prints the demo key and stops on SIGTERM.

The repository is copied (with .venv linked) into a temporary directory so the run writes its
.env, database and static files there, not into the working tree."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.daemons import free_port

REPO = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.skipif(not (REPO / ".venv" / "bin" / "python").exists(), reason="needs the repository's .venv"),
    pytest.mark.xdist_group("run_command"),  # one worker starts run.sh once for the whole module
]


def copy_repository(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to((REPO / ".venv").resolve())


def request(url, headers=None, method="GET", body=None):
    """(status, headers, body text) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, headers=headers or {}, method=method, data=body)
    try:
        with opener.open(req, timeout=20) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    root = tmp_path_factory.mktemp("install")
    copy_repository(root)
    (root / ".env").write_text("# kept\nLOG_LEVEL=INFO")  # no final newline: the key goes on its own line
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SCAN_", "SITE_URL"))}
    env.update(PORT=str(port), HOST="127.0.0.1", WEB_CONCURRENCY="1", PYTHON=sys.executable,
               DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}", PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL_TEST", None)
    log = open(root / "run.log", "w+")
    process = subprocess.Popen(["bash", "scripts/run.sh"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if process.poll() is not None:
                pytest.fail(f"run.sh exited with {process.returncode}:\n{(root / 'run.log').read_text()[-3000:]}")
            try:
                if request(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"run.sh did not answer /healthz:\n{(root / 'run.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield root, base, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        log.close()


def test_a_secret_key_is_made_once_into_env_keeping_its_lines(running):
    root, _base, _process = running
    env_file = (root / ".env").read_text()
    assert env_file.startswith("# kept\nLOG_LEVEL=INFO\n")
    keys = re.findall(r"^DJANGO_SECRET_KEY=(\S+)$", env_file, re.M)
    assert len(keys) == 1 and len(keys[0]) >= 50
    assert "insecure" not in keys[0]


def test_it_prints_the_demo_key(running):
    root, _base, _process = running
    assert re.search(r"cg\w*_[\w-]{20,}", (root / "run.log").read_text())


def test_unknown_pages_are_the_real_404_never_the_debug_page(running):
    _root, base, _process = running
    status, _headers, body = request(base + "/")
    assert status == 200 and "/admin/" in body and "/v2/docs" in body  # the landing page, not a 404
    for path in ("/nothing", "/static/nothing.css", "/favicon.ico"):
        status, headers, body = request(base + path)
        assert status == 404, path
        assert "Page not found" in body
        assert "URLconf" not in body and "DEBUG = True" not in body and "Traceback" not in body
    status, headers, body = request(base + "/v2/nothing", method="POST", body=b"{}", headers={"Content-Type": "application/json"})
    assert (status, headers["Content-Type"], headers["Cache-Control"]) == (404, "application/json", "no-store")


def test_plain_http_is_not_redirected_and_hsts_and_secure_cookies_come_with_tls(running):
    _root, base, _process = running
    status, headers, _body = request(base + "/admin/login/")
    assert status == 200
    assert "Strict-Transport-Security" not in headers
    assert "secure" not in headers["Set-Cookie"].lower()
    status, headers, _body = request(base + "/admin/login/", headers={"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "; secure" in headers["Set-Cookie"].lower()
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_it_answers_only_to_its_own_host_names(running):
    _root, base, _process = running
    assert request(base + "/healthz", headers={"Host": "localhost"})[0] == 200
    status, headers, body = request(base + "/v2/users", headers={"Host": "evil.example.net"})
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert request(base + "/admin/login/", headers={"Host": "evil.example.net"})[0] == 400


def test_it_stops_on_sigterm(running):
    _root, base, process = running
    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(30) is not None
    with pytest.raises(OSError):
        request(base + "/healthz")


def test_without_a_secret_key_and_debug_off_nothing_starts(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_flags_the_development_key():
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": "", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert "config.W001" in result.stderr + result.stdout
    env["DJANGO_SECRET_KEY"] = "k" * 10 + "a-long-random-value-for-this-test-only-0123456789"
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert "config.W001" not in result.stderr + result.stdout

"""Web server checks against a real Caddy (caddy_lab.py): its welcome page and its file_server
browse listing (titled with the bare directory name, unlike every "Index of" page) are found;
the hardened one, plain and HTTPS (TLS 1.2+ by default, reached without SNI), gives nothing."""

import pytest

from . import caddy_lab
from .conftest import check_host, findings_of, http_port, tls_port


@pytest.fixture(scope="module")
def weak_caddy(tmp_path_factory):
    daemon, lab = caddy_lab.start(tmp_path_factory.mktemp("caddy"), weak=True)
    with daemon:
        yield lab


@pytest.fixture(scope="module")
def hardened_caddy(tmp_path_factory):
    daemon, lab = caddy_lab.start(tmp_path_factory.mktemp("caddy"), weak=False)
    with daemon:
        yield lab


def test_caddy_welcome_page_and_browse_listing(weak_caddy):
    found = findings_of(check_host([http_port(weak_caddy.http)], families=["web_servers"], hostname=""))
    assert found["CG-2008"] == "GET / answered 200 OK with the page titled 'Caddy works!'"
    assert found["CG-2007"] == "GET /files/ answered 200 OK with a directory listing titled 'files'"
    assert "CG-2005" not in found  # "Server: Caddy" names no version


def test_hardened_caddy_has_no_finding(hardened_caddy, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", hardened_caddy.ca_file)
    host = check_host([http_port(hardened_caddy.http), tls_port(hardened_caddy.tls)], hostname="", ip="127.0.0.1")
    assert host.findings == []


def test_a_host_caddy_serves_no_site_for_gets_an_empty_answer_that_is_not_judged(hardened_caddy):
    """Caddy answers a Host no site matches with an empty, untyped 200 and no header at all: no page,
    so no missing-header finding (the site's own answer has them all, above)."""
    host = check_host([http_port(hardened_caddy.named)], hostname="", ip="127.0.0.1")
    assert host.findings == []

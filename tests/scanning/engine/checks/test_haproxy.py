"""SSL/TLS and web checks through a real HAProxy TLS terminator (haproxy_lab.py): TRACE, the
default page and the listing of the weak Apache httpd behind the weak one are found through the
proxy; the hardened one (TLS 1.3 only, ECDSA P-256) gives nothing at all."""

import contextlib

import pytest

from tests.lab.apache import _apache

from . import haproxy_lab
from .conftest import check_host, findings_of, http_port, tls_port


@pytest.fixture(scope="module")
def weak_haproxy(tmp_path_factory):
    with contextlib.ExitStack() as stack:
        daemon, lab = haproxy_lab.start(tmp_path_factory.mktemp("haproxy"), weak=True, backend=_apache(stack, weak=True))
        with daemon:
            yield lab


@pytest.fixture(scope="module")
def hardened_haproxy(tmp_path_factory):
    daemon, lab = haproxy_lab.start(tmp_path_factory.mktemp("haproxy"), weak=False)
    with daemon:
        yield lab


def test_weak_terminator_and_the_apache_behind_it(weak_haproxy):
    found = findings_of(check_host([tls_port(weak_haproxy.tls)]))
    assert {"CG-1003", "CG-1004", "CG-1009", "CG-1012"} <= found.keys()
    assert found["CG-1014"] == "Host name localhost not in the certificate's names: www.example.test"
    assert found["CG-2001"] == "GET / answered 200 OK without a valid Strict-Transport-Security header"  # max-age=0
    assert found["CG-2006"].startswith("TRACE / answered 200 OK, echoing the request: TRACE / HTTP/1.1 | ")
    assert found["CG-2007"] == "GET /files/ answered 200 OK with a directory listing titled 'Index of /files'"
    assert found["CG-2008"] == "GET / answered 200 OK with the page titled 'Apache2 Debian Default Page: It works'"
    assert {"CG-1010", "CG-1015", "CG-1016"}.isdisjoint(found)


def test_tls_1_3_only_terminator_has_no_finding(hardened_haproxy, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", hardened_haproxy.ca_file)
    host = check_host([tls_port(hardened_haproxy.tls), http_port(hardened_haproxy.http)])
    assert host.findings == []

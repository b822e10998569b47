"""Web server and SSL/TLS checks against a real lighttpd set up as Debian ships it (lighttpd_lab.py):
Debian's placeholder page (titled only "Welcome page"), mod_dirlisting, the default server.tag,
and a certificate chain whose intermediate CA expired, against a hardened one."""

import pytest

from . import legacy_servers, lighttpd_lab
from .conftest import check_host, findings_of, http_port, tls_port

PLACEHOLDER_EVIDENCE = ("GET / answered 200 OK with the page titled 'Welcome page': 'This is a placeholder page "
                        "installed by the Debian release of the Lighttpd server package'")


@pytest.fixture(scope="module")
def weak_lighttpd(tmp_path_factory):
    daemon, lab = lighttpd_lab.start(tmp_path_factory.mktemp("lighttpd"), weak=True)
    with daemon:
        yield lab


@pytest.fixture(scope="module")
def hardened_lighttpd(tmp_path_factory):
    daemon, lab = lighttpd_lab.start(tmp_path_factory.mktemp("lighttpd"), weak=False)
    with daemon:
        yield lab


def test_debian_placeholder_listing_and_version_of_the_weak_lighttpd(weak_lighttpd):
    found = findings_of(check_host([http_port(weak_lighttpd.http)], families=["web_servers"]))
    assert found["CG-2008"] == PLACEHOLDER_EVIDENCE
    assert found["CG-2007"] == "GET /files/ answered 200 OK with a directory listing titled 'Index of /files/'"
    assert found["CG-2005"].startswith("Server: lighttpd/1.4.")


def test_an_expired_intermediate_is_an_expired_certificate(weak_lighttpd, monkeypatch):
    """The root trusted (as an operator adds their CA): the chain fails on the intermediate's date,
    which CG-1010 names; the ECDSA P-256 key is no short key, and nothing is self-signed."""
    monkeypatch.setenv("SSL_CERT_FILE", weak_lighttpd.ca_file)
    found = findings_of(check_host([tls_port(weak_lighttpd.tls)], families=["ssl_tls"]))
    assert "(intermediate CA certificate sent by the server, subject: CN=CG Test Intermediate CA; server " \
           "certificate: CN=localhost)" in found["CG-1010"]
    assert found["CG-1010"].startswith("notAfter: ")
    assert {"CG-1003", "CG-1004"} <= found.keys()
    assert {"CG-1011", "CG-1012", "CG-1013", "CG-1014", "CG-1015", "CG-1016"}.isdisjoint(found)


def test_the_same_chain_from_an_untrusted_root_is_both(weak_lighttpd):
    found = findings_of(check_host([tls_port(weak_lighttpd.tls)], families=["ssl_tls"]))
    assert "intermediate CA certificate sent by the server" in found["CG-1010"]
    assert found["CG-1013"].startswith("Chain not trusted: unable to get local issuer certificate")


def test_a_sha1_signed_intermediate_is_a_weak_signature(weak_lighttpd, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", weak_lighttpd.ca_file)
    found = findings_of(check_host([tls_port(weak_lighttpd.sha1_chain)], families=["ssl_tls"]))
    assert found["CG-1016"] == ("Signature algorithm: sha1WithRSAEncryption (intermediate CA certificate sent by the "
                                "server, subject: CN=CG Test SHA-1 Intermediate CA; server certificate: CN=localhost)")
    assert {"CG-1010", "CG-1012", "CG-1013", "CG-1015"}.isdisjoint(found)


def test_an_expired_cross_signature_a_trusted_root_makes_useless_is_not_reported(weak_lighttpd, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", weak_lighttpd.ca_file)
    found = findings_of(check_host([tls_port(weak_lighttpd.cross_chain)], families=["ssl_tls"]))
    assert {"CG-1010", "CG-1013"}.isdisjoint(found)
    assert {"CG-1003", "CG-1004"} <= found.keys()  # the port is judged


@pytest.mark.parametrize("trusted", [True, False])
def test_hardened_lighttpd_has_no_finding(hardened_lighttpd, monkeypatch, trusted):
    """Its chain also carries an expired CA certificate that no path uses: it does not count,
    whether the root is trusted or not."""
    if trusted:
        monkeypatch.setenv("SSL_CERT_FILE", hardened_lighttpd.ca_file)
    found = findings_of(check_host([http_port(hardened_lighttpd.http), tls_port(hardened_lighttpd.tls)]))
    assert set(found) == (set() if trusted else {"CG-1013"})  # a private root: true, and low


def test_an_application_titled_welcome_page_is_no_default_page():
    page = b"<html><head><title>Welcome page</title></head><body>Welcome to our shop</body></html>"
    service = legacy_servers.start(legacy_servers.page_server(b"200 OK", page))
    try:
        assert "CG-2008" not in findings_of(check_host([http_port(service.port)], families=["web_servers"]))
    finally:
        service.close()

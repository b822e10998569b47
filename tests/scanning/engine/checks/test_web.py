"""Web servers family, each check against a real server with the weakness and one without: the
weak nginx (autoindex, server_tokens, no headers, the welcome page), the hardened nginx (every
header, server_tokens off, plain HTTP only redirecting to HTTPS) and, for TRACE (nginx refuses
it), a small HTTP server that echoes TRACE requests."""

import pytest

from scanning.engine.checks import CATALOGUE

from ..servers import tls
from . import legacy_servers, nginx_lab
from .conftest import check_host, findings_of, http_port, tls_port

HEADER_CHECKS = {"CG-2001", "CG-2002", "CG-2003", "CG-2004"}
WELCOME_TITLE = b"<html><head><title>Welcome to nginx!</title></head><body>gone</body></html>"


@pytest.fixture
def http_server():
    started = []

    def start(handler):
        service = legacy_servers.start(handler)
        started.append(service)
        return service.port

    yield start
    for service in started:
        service.close()


def web(ports, **options):
    return check_host(ports, families=["web_servers"], **options)


def test_weak_https_misses_every_header_and_lists_its_directory(weak_nginx):
    found = findings_of(web([tls_port(weak_nginx.tls)]))
    assert found["CG-2001"] == "GET / answered 200 OK without a valid Strict-Transport-Security header"
    assert found["CG-2002"] == "GET / answered 200 OK without a valid X-Content-Type-Options header"
    assert found["CG-2003"] == "GET / answered 200 OK without a valid X-Frame-Options header"
    assert found["CG-2004"] == "GET / answered 200 OK without a valid Content-Security-Policy header"
    assert found["CG-2005"] == "Server: nginx/1.22.1"
    assert found["CG-2007"] == "GET / answered 200 OK with a directory listing titled 'Index of /'"
    assert "CG-2008" not in found  # a listing, not the welcome page


def test_weak_plain_http_shows_the_welcome_page_and_no_hsts_finding(weak_nginx):
    found = findings_of(web([http_port(weak_nginx.http)]))
    assert found["CG-2008"] == "GET / answered 200 OK with the page titled 'Welcome to nginx!'"
    assert found["CG-2005"] == "Server: nginx/1.22.1"
    assert "CG-2001" not in found  # HSTS belongs to HTTPS
    assert "CG-2007" not in found


@pytest.mark.parametrize("listed, linked", [("/backup/", False), ("/share/", False), ("/documents/", True)])
def test_a_listing_below_the_front_page_is_found(tmp_path, listed, linked):
    """Debian's nginx with a page at / and autoindex on one directory: a usual name (/backup/) is
    asked for, and so is a directory the page links to (/documents/, a name no list holds)."""
    daemon, port = nginx_lab.start_listing(tmp_path, listed, linked)
    with daemon:
        found = findings_of(web([http_port(port)]))
    assert found["CG-2007"] == f"GET {listed} answered 200 OK with a directory listing titled 'Index of {listed}'"


def test_a_page_without_listings_anywhere_is_not_reported(tmp_path):
    daemon, port = nginx_lab.start_listing(tmp_path, "/documents/", linked=False)  # an unlinked, unusual name
    with daemon:
        assert "CG-2007" not in findings_of(web([http_port(port)]))


def test_hardened_nginx_has_no_web_finding(hardened_nginx):
    host = web([tls_port(hardened_nginx.tls), http_port(hardened_nginx.http)])
    assert host.findings == []


def test_severities_of_header_findings_stay_below_medium(weak_nginx):
    host = web([tls_port(weak_nginx.tls), http_port(weak_nginx.http)])
    for finding in host.findings:
        if finding.nvt in HEADER_CHECKS | {"CG-2005"}:
            assert finding.severity < 4.0, finding.nvt


def test_trace_enabled_shows_the_echoed_request(http_server):
    port = http_server(legacy_servers.trace_echo)
    found = findings_of(web([http_port(port)]))
    assert found["CG-2006"] == "TRACE / answered 200 OK, echoing the request: TRACE / HTTP/1.1 | X-CG-Trace-Probe: cg-scanner-trace-check"


def test_trace_refused_by_nginx(weak_nginx, hardened_nginx):
    for port in (http_port(weak_nginx.http), tls_port(hardened_nginx.tls)):
        assert "CG-2006" not in findings_of(web([port]))


def test_a_404_page_is_not_a_default_page(http_server):
    port = http_server(legacy_servers.page_server(b"404 Not Found", WELCOME_TITLE))
    found = findings_of(web([http_port(port)]))
    assert {"CG-2008", "CG-2002", "CG-2003", "CG-2004", "CG-2007"}.isdisjoint(found)


def test_the_same_page_with_200_is(http_server):
    port = http_server(legacy_servers.page_server(b"200 OK", WELCOME_TITLE))
    assert "CG-2008" in findings_of(web([http_port(port)]))


def redirect_to(location: bytes):
    def handle(conn, _service):
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 301 Moved Permanently\r\nServer: Caddy\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n" % location)

    return handle


def test_an_https_redirect_to_another_site_is_not_judged_for_hsts(http_server, tls_context):
    port = http_server(tls(redirect_to(b"https://www.example.test/"), tls_context[0]))
    host = web([tls_port(port)])
    assert host.findings == []


def test_an_https_redirect_within_the_site_needs_hsts(http_server, tls_context):
    port = http_server(tls(redirect_to(b"/login"), tls_context[0]))
    found = findings_of(web([tls_port(port)]))
    assert found == {"CG-2001": "GET / answered 301 Moved Permanently without a valid Strict-Transport-Security header"}


def test_x_powered_by_version_is_disclosed(http_server):
    def php(conn, _service):
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nServer: Apache\r\nX-Powered-By: PHP/8.2.7\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")

    found = findings_of(web([http_port(http_server(php))]))
    assert found["CG-2005"] == "X-Powered-By: PHP/8.2.7"
    assert {"CG-2003", "CG-2004"}.isdisjoint(found)  # browser-only headers are judged on HTML pages
    assert "CG-2002" in found


def test_catalogue_text_of_every_web_check():
    checks = [c for c in CATALOGUE.values() if c.family == "web_servers"]
    assert {c.nvt for c in checks} == {f"CG-{n}" for n in range(2001, 2009)}
    for check in checks:
        assert all([check.name, check.summary, check.insight, check.affected, check.impact, check.solution, check.references])
        assert check.severity() < 4.0 or check.nvt in {"CG-2006", "CG-2007", "CG-2008"}
    assert CATALOGUE["CG-2006"].severity() >= 4.0


@pytest.mark.parametrize("page, shown", [
    (b"<html><head><title>Apache Tomcat/9.0.65</title></head><body>If you're seeing this</body></html>", "the page titled 'Apache Tomcat/9.0.65'"),
    (b"<html><body><h1>It works!</h1></body></html>\n", "Apache httpd's 'It works!' page"),
])
def test_other_default_pages(http_server, page, shown):
    port = http_server(legacy_servers.page_server(b"200 OK", page))
    assert findings_of(web([http_port(port)]))["CG-2008"] == f"GET / answered 200 OK with {shown}"


def test_an_application_page_is_no_default_page(http_server):
    port = http_server(legacy_servers.page_server(b"200 OK", b"<html><head><title>Apache Tomcat manual</title></head></html>"))
    assert "CG-2008" not in findings_of(web([http_port(port)]))


HSTS_SITES = {  # nginx add_header directives: the CG-2001 evidence expected ("" = no finding)
    "max-age=0": ('add_header Strict-Transport-Security "max-age=0" always;',
                  "GET / answered 200 OK without a valid Strict-Transport-Security header"),
    "one day": ('add_header Strict-Transport-Security "max-age=86400; includeSubDomains" always;',
                "GET / answered 200 OK with Strict-Transport-Security: max-age=86400; includeSubDomains "
                "(max-age under 180 days)"),
    "six months": ('add_header Strict-Transport-Security "max-age=15768000" always;', ""),
    "first of two counts": ('add_header STRICT-TRANSPORT-SECURITY "max-age=31536000" always; '
                            'add_header Strict-Transport-Security "max-age=0" always;', ""),
}


def test_hsts_max_age_zero_or_short_is_missing_hsts(tmp_path):
    daemon, ports = nginx_lab.start_https_sites(tmp_path, {name: site[0] for name, site in HSTS_SITES.items()})
    with daemon:
        host = web([tls_port(port) for port in ports.values()])
    for name, (_directives, evidence) in HSTS_SITES.items():
        assert findings_of(host, ports[name]).get("CG-2001", "") == evidence, name

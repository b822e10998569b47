"""Scanners are no way into the platform's network (issue 13, item 1): a gvm scanner's host goes
through the webhooks' network guard when it is saved and again when `verify` connects (the name
resolved then, the checked address used), and `verify` speaks GMP over TLS to a real server
started here, instead of reporting a bare TCP connect."""

import socket

import pytest

from scanning import gmp
from scanning.models import Scanner
from tests.api_mixins import assert_error
from tests.scanning.engine.servers import TcpService, closed_port, read_until, self_signed_context, tls

from .factories import ScannerFactory

pytestmark = pytest.mark.usefixtures("subscribed")

VERSION_ANSWER = b'<get_version_response status="200" status_text="OK"><version>22.4</version></get_version_response>'


def gmp_server(conn, _service):
    request = read_until(conn, b"/>")
    if request.strip() == b"<get_version/>":
        conn.sendall(VERSION_ANSWER)
    else:
        conn.sendall(b'<gmp_response status="400" status_text="Bogus command name"/>')


def http_server(conn, _service):
    read_until(conn, b"/>")
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture(scope="module")
def tls_material():
    return self_signed_context("gvm.test")


@pytest.fixture
def private_allowed(settings):
    settings.SCANNER_ALLOW_PRIVATE_HOSTS = True


@pytest.fixture
def service(request):
    started = []

    def start(handler):
        started.append(TcpService(handler))
        return started[-1]

    yield start
    for item in started:
        item.close()


def register(client, host, port, **extra):
    return client.post("/v2/scanners", {"name": "GVM", "type": "gvm", "host": host, "port": port, **extra})


def test_verify_speaks_gmp_over_tls(api, world, private_allowed, service, tls_material):
    context, certificate = tls_material
    server = service(tls(gmp_server, context))
    client = api.as_user(world.manager)
    created = register(client, "127.0.0.1", server.port)
    assert created.status_code == 201, created.content
    scanner_id = created.json()["data"]["id"]
    answer = client.post(f"/v2/scanners/{scanner_id}/verify")
    assert answer.status_code == 200
    assert answer.json() == {"online": True, "version": "22.4"}
    attributes = client.get(f"/v2/scanners/{scanner_id}").json()["data"]["attributes"]
    assert attributes["status"] == "online" and attributes["version"] == "22.4" and attributes["last_seen_at"]


def test_ca_pub_pins_the_scanners_certificate(private_allowed, service, tls_material):
    from cryptography.hazmat.primitives import serialization

    context, certificate = tls_material
    server = service(tls(gmp_server, context))
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    assert gmp.get_version("127.0.0.1", server.port, server_name="127.0.0.1", ca_pem=pem) == "22.4"
    _other_context, other_certificate = self_signed_context("someone-else.test")
    other = other_certificate.public_bytes(serialization.Encoding.PEM).decode()
    with pytest.raises(gmp.GmpError, match="not signed by its ca_pub"):
        gmp.get_version("127.0.0.1", server.port, ca_pem=other)


@pytest.mark.parametrize("kind", ["open port, no TLS", "TLS but not GMP", "closed port"])
def test_a_peer_that_does_not_speak_gmp_is_offline_with_a_reason(api, world, private_allowed, service, tls_material, kind):
    context, _certificate = tls_material
    if kind == "open port, no TLS":
        port = service(lambda conn, _s: conn.sendall(b"SSH-2.0-OpenSSH_8.9p1\r\n") or read_until(conn, b"\n")).port
    elif kind == "TLS but not GMP":
        port = service(tls(http_server, context)).port
    else:
        port = closed_port()
    scanner = ScannerFactory(organization=world.customer, type="gvm", host="127.0.0.1", port=port, status="online")
    answer = api.as_user(world.manager).post(f"/v2/scanners/{scanner.pk}/verify").json()
    assert answer["online"] is False and answer["version"] is None
    assert answer["reason"] and ("GMP" in answer["reason"] or "could not connect" in answer["reason"])
    scanner.refresh_from_db()
    assert scanner.status == "offline"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.5", "192.168.1.1", "::1", "0.0.0.0",
                                  "169.254.169.254", "100.100.100.200", "fd00:ec2::254", "169.254.10.1",
                                  "2852039166", "0251.0376.0251.0376", "0x7f000001", "[::ffff:169.254.169.254]"])
def test_internal_and_metadata_hosts_are_refused_at_registration(api, world, host):
    client = api.as_user(world.manager)
    body = assert_error(register(client, host, 9390), 422, "host")
    assert "host" in body["message"]
    scanner = ScannerFactory(organization=world.customer, type="gvm", host="gvm.example.com", port=9390)
    assert_error(client.put(f"/v2/scanners/{scanner.pk}", {"host": host}), 422, "host")
    assert not Scanner.objects.filter(host=host).exists()


@pytest.mark.parametrize("host", ["169.254.169.254", "fd00:ec2::254", "100.100.100.200"])
def test_metadata_hosts_are_refused_even_when_private_hosts_are_allowed(api, world, private_allowed, host):
    assert_error(register(api.as_user(world.manager), host, 80), 422, "host")


@pytest.mark.parametrize("host", ["http://x", "a b", "x;y", "", "-" * 300])
def test_a_host_must_be_a_name_or_an_address(api, world, host):
    assert_error(register(api.as_user(world.manager), host, 9390), 422, "host")


def test_the_guard_runs_again_at_connect_time(api, world, service, tls_material, settings):
    """Saved while allowed (or while its name pointed elsewhere), refused when `verify` connects:
    the check uses what the host resolves to now, and nothing is connected to."""
    context, _certificate = tls_material
    server = service(tls(gmp_server, context))
    scanner = ScannerFactory(organization=world.customer, type="gvm", host="localhost", port=server.port)
    settings.SCANNER_ALLOW_PRIVATE_HOSTS = False
    answer = api.as_user(world.manager).post(f"/v2/scanners/{scanner.pk}/verify").json()
    assert answer["online"] is False and answer["reason"].startswith("refused: the host resolves to")
    assert server.accepted == 0
    metadata = ScannerFactory(organization=world.customer, type="gvm", host="169.254.169.254", port=80)
    settings.SCANNER_ALLOW_PRIVATE_HOSTS = True
    assert "metadata" in api.as_user(world.manager).post(f"/v2/scanners/{metadata.pk}/verify").json()["reason"]


def test_the_connection_goes_to_the_checked_address(monkeypatch, private_allowed, service, tls_material, api, world):
    """DNS rebinding: the name is resolved once, checked, and that address is connected to."""
    from events.services import ssrf

    context, _certificate = tls_material
    server = service(tls(gmp_server, context))
    lookups = []
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        lookups.append(host)
        if host == "rebind.test":  # first answer: loopback (allowed here); any later one: metadata
            address = "127.0.0.1" if len([h for h in lookups if h == host]) == 1 else "169.254.169.254"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(ssrf.socket, "getaddrinfo", rebinding)
    scanner = ScannerFactory(organization=world.customer, type="gvm", host="rebind.test", port=server.port)
    answer = api.as_user(world.manager).post(f"/v2/scanners/{scanner.pk}/verify").json()
    assert answer == {"online": True, "version": "22.4"}
    assert lookups.count("rebind.test") == 1


def test_only_roles_with_scanner_create_register_or_verify(api, world, private_allowed):
    from accounts.services.permissions import permissions_for

    for user in (world.user, world.viewer):
        assert permissions_for(user, ["SCANNER_CREATE"]) == {"SCANNER_CREATE": False}
        assert_error(register(api.as_user(user), "gvm.example.com", 9390), 403)
    scanner = ScannerFactory(organization=world.customer, type="gvm", host="127.0.0.1", port=closed_port())
    assert_error(api.as_user(world.user).post(f"/v2/scanners/{scanner.pk}/verify"), 403)
    assert permissions_for(world.manager, ["SCANNER_CREATE"]) == {"SCANNER_CREATE": True}
    assert api.as_user(world.manager).post(f"/v2/scanners/{scanner.pk}/verify").status_code == 200


@pytest.mark.parametrize("answer", [
    b"<get_version_response status=\"400\" status_text=\"x\"/>",
    b"<gmp_response status=\"200\"><version>1</version></gmp_response>",
    b"<get_version_response status=\"200\"></get_version_response>",
    b"<!DOCTYPE x [<!ENTITY a \"b\">]><get_version_response status=\"200\"><version>&a;</version></get_version_response>",
    b"HTTP/1.1 200 OK\r\n\r\n",
])
def test_answers_that_are_not_a_version(answer):
    with pytest.raises(gmp.GmpError):
        gmp.parse_version(answer)

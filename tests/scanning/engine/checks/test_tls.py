"""SSL/TLS family, each check against a real server that has the weakness and one that does not:
Debian's nginx (weak and hardened) and, for what its OpenSSL can no longer offer (SSLv2, SSLv3,
RC4, 3DES, EXPORT), a protocol-faithful legacy server answering raw ClientHellos."""

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from scanning.engine.checks import CATALOGUE
from scanning.engine.types import PortResult

from . import legacy_servers
from .certs import make_cert
from .conftest import check_host, findings_of, tls_port

SSL2, SSL3, TLS10, TLS12 = 0x0002, 0x0300, 0x0301, 0x0303
RC4_SHA, DES3_SHA, EXPORT_RC4_40, AES128_SHA = 0x0005, 0x000A, 0x0003, 0x002F
PROTOCOL_AND_CIPHER_CHECKS = {f"CG-{n}" for n in range(1001, 1010)}
CERTIFICATE_CHECKS = {f"CG-{n}" for n in range(1010, 1017)}


def silent_port(port):
    """How detection leaves a port whose server speaks only SSLv2/SSLv3: unknown, no banner."""
    return PortResult(port, "tcp")


@pytest.fixture
def legacy():
    started = []

    def start(versions, suites=(AES128_SHA,), certificate=None, **options):
        server = legacy_servers.LegacyTls(versions, suites, (certificate or make_cert()).der, **options)
        service = legacy_servers.start(server)
        started.append(service)
        return service.port, server

    yield start
    for service in started:
        service.close()


def test_tls_1_0_and_1_1_accepted_by_the_weak_nginx(weak_nginx):
    found = findings_of(check_host([tls_port(weak_nginx.tls)], families=["ssl_tls"]))
    assert found["CG-1003"].startswith("The server accepted a TLSv1.0 ClientHello: ServerHello version TLSv1.0, cipher TLS_")
    assert found["CG-1004"].startswith("The server accepted a TLSv1.1 ClientHello: ServerHello version TLSv1.1")
    assert "CG-1001" not in found and "CG-1002" not in found  # Debian's OpenSSL has neither


def test_hardened_nginx_has_no_protocol_or_cipher_finding(hardened_nginx, trust_test_ca):
    host = check_host([tls_port(hardened_nginx.tls)], families=["ssl_tls"])
    assert host.findings == []


def test_null_and_anonymous_ciphers_of_the_weak_nginx(weak_nginx):
    found = findings_of(check_host([tls_port(weak_nginx.tls)], families=["ssl_tls"]))
    assert "TLS_RSA_WITH_NULL_SHA (TLSv1.2)" in found["CG-1007"]
    assert "_anon_" in found["CG-1009"]
    assert {"CG-1005", "CG-1006", "CG-1008"}.isdisjoint(found)  # not in Debian's OpenSSL


def test_sslv2_accepted(legacy):
    port, _server = legacy({SSL2})
    found = findings_of(check_host([silent_port(port)], families=["ssl_tls"]))
    assert found["CG-1001"] == ("The server accepted a SSLv2 ClientHello: ServerHello version SSLv2, cipher SSL_CK_RC4_128_WITH_MD5")
    assert "CG-1002" not in found


def test_sslv3_with_rc4_3des_and_export(legacy):
    port, server = legacy({SSL3}, suites=(EXPORT_RC4_40, RC4_SHA, DES3_SHA))
    host = check_host([silent_port(port)], families=["ssl_tls"])
    found = findings_of(host)
    assert found["CG-1002"].startswith("The server accepted a SSLv3 ClientHello: ServerHello version SSLv3")
    assert found["CG-1005"] == "Accepted cipher suites: TLS_RSA_EXPORT_WITH_RC4_40_MD5 (SSLv3), TLS_RSA_WITH_RC4_128_SHA (SSLv3)"
    assert found["CG-1006"] == "Accepted cipher suites: TLS_RSA_WITH_3DES_EDE_CBC_SHA (SSLv3)"
    assert found["CG-1008"] == "Accepted cipher suites: TLS_RSA_EXPORT_WITH_RC4_40_MD5 (SSLv3)"
    assert {"CG-1001", "CG-1003", "CG-1004", "CG-1007", "CG-1009"}.isdisjoint(found)
    assert all(f.pci_fail for f in host.findings if f.nvt in {"CG-1002", "CG-1008"})
    assert {version for version, _suites in server.hellos} >= {SSL3, TLS10, TLS12}  # raw hellos, each version


def test_rc4_and_3des_in_tls_1_2(legacy):
    port, _server = legacy({TLS12}, suites=(RC4_SHA, DES3_SHA, AES128_SHA))
    found = findings_of(check_host([tls_port(port)], families=["ssl_tls"]))
    assert found["CG-1005"] == "Accepted cipher suites: TLS_RSA_WITH_RC4_128_SHA (TLSv1.2)"
    assert found["CG-1006"] == "Accepted cipher suites: TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2)"
    assert {"CG-1002", "CG-1003", "CG-1004", "CG-1008"}.isdisjoint(found)


def test_a_server_without_legacy_ciphers_passes_the_cipher_checks(legacy):
    port, _server = legacy({TLS12}, suites=(AES128_SHA,))
    found = findings_of(check_host([tls_port(port)], families=["ssl_tls"]))
    assert {"CG-1005", "CG-1006", "CG-1007", "CG-1008", "CG-1009"}.isdisjoint(found)


def test_weak_nginx_certificate_expired_self_signed_short_key_wrong_name(weak_nginx):
    found = findings_of(check_host([tls_port(weak_nginx.tls)], families=["ssl_tls"]))
    assert found["CG-1010"].startswith("notAfter: ") and found["CG-1010"].endswith("(subject: CN=weak.example.test)")
    assert found["CG-1012"] == "Self-signed certificate: subject and issuer CN=weak.example.test"
    assert found["CG-1014"] == "Host name localhost not in the certificate's names: CN=weak.example.test"
    assert found["CG-1015"] == "Public key: RSA 1024 bits (subject: CN=weak.example.test)"
    assert {"CG-1011", "CG-1013", "CG-1016"}.isdisjoint(found)


def test_not_yet_valid_and_sha1_certificates(weak_nginx):
    future = findings_of(check_host([tls_port(weak_nginx.future)], families=["ssl_tls"]))
    assert future["CG-1011"].startswith("notBefore: ") and "CG-1010" not in future
    sha1 = findings_of(check_host([tls_port(weak_nginx.sha1)], families=["ssl_tls"]))
    assert sha1["CG-1016"] == "Signature algorithm: sha1WithRSAEncryption (subject: CN=localhost)"
    assert {"CG-1014", "CG-1015"}.isdisjoint(sha1)


def test_hardened_certificate_trusted_right_name_good_key(hardened_nginx, trust_test_ca):
    for hostname in ("localhost", ""):
        found = findings_of(check_host([tls_port(hardened_nginx.tls)], hostname=hostname, families=["ssl_tls"]))
        assert CERTIFICATE_CHECKS.isdisjoint(found)


def test_a_private_ca_is_an_untrusted_chain_and_says_so(hardened_nginx):
    host = check_host([tls_port(hardened_nginx.tls)], families=["ssl_tls"])
    assert findings_of(host) == {
        "CG-1013": "Chain not trusted: unable to get local issuer certificate (issuer: CN=CG Test Root CA; subject: CN=localhost)"
    }
    assert host.findings[0].severity < 4.0  # low: a private CA can be legitimate


def test_address_not_among_the_certificate_addresses(legacy):
    port, _server = legacy({TLS12}, certificate=make_cert("internal", dns=("internal.example",), ips=("10.0.0.1",)))
    found = findings_of(check_host([silent_port(port)], hostname="", families=["ssl_tls"]))
    assert found["CG-1014"] == "Address 127.0.0.1 not in the certificate's addresses: internal.example, 10.0.0.1"


def test_scanned_by_address_a_certificate_for_another_name_is_judged_by_reverse_dns(weak_nginx, legacy):
    """127.0.0.1 is `localhost` (/etc/hosts): the weak nginx's certificate (CN=weak.example.test, no
    addresses) is for another host; one made for localhost, without addresses, is not."""
    found = findings_of(check_host([tls_port(weak_nginx.tls)], hostname="", families=["ssl_tls"]))
    assert found["CG-1014"] == ("Host name localhost (reverse DNS of 127.0.0.1) not in the certificate's names: "
                                "CN=weak.example.test")
    for certificate in (make_cert("localhost", dns=("localhost",), ips=()), make_cert("localhost", dns=(), ips=())):
        port, _server = legacy({TLS12}, certificate=certificate)
        assert "CG-1014" not in findings_of(check_host([silent_port(port)], hostname="", families=["ssl_tls"]))


def test_an_address_without_a_reverse_name_is_not_judged(legacy, loopback_ips):
    [ip] = loopback_ips(1)  # 127.x.y.z: no name in /etc/hosts or DNS
    server = legacy_servers.LegacyTls({TLS12}, (AES128_SHA,), make_cert("weak.example.test", dns=(), ips=()).der)
    service = legacy_servers.TcpService(server, ip)
    try:
        host = check_host([silent_port(service.port)], hostname="", families=["ssl_tls"], ip=ip)
    finally:
        service.close()
    assert "CG-1014" not in findings_of(host) and "CG-1012" in findings_of(host)


def test_wildcard_names_match_one_label(legacy):
    port, _server = legacy({TLS12}, certificate=make_cert("*.example.test", dns=("*.example.test",), ips=()))
    assert "CG-1014" not in findings_of(check_host([silent_port(port)], hostname="www.example.test", families=["ssl_tls"]))
    assert "CG-1014" in findings_of(check_host([silent_port(port)], hostname="a.b.example.test", families=["ssl_tls"]))


def test_short_ec_key_read_from_the_raw_handshake(legacy):
    """OpenSSL cannot talk to this SSLv3 server: the certificate comes from the raw ServerHello flight."""
    port, _server = legacy({SSL3}, certificate=make_cert(curve=ec.SECP192R1()))
    found = findings_of(check_host([silent_port(port)], families=["ssl_tls"]))
    assert found["CG-1015"] == "Public key: EC (secp192r1) 192 bits (subject: CN=localhost)"


def test_a_silent_port_that_is_not_tls_gives_nothing(tcp_service):
    service = tcp_service(lambda conn, _s: conn.recv(4096))
    assert check_host([silent_port(service.port)], families=["ssl_tls"]).findings == []


def test_catalogue_text_of_every_tls_check():
    tls = [c for c in CATALOGUE.values() if c.family == "ssl_tls"]
    assert {c.nvt for c in tls} == PROTOCOL_AND_CIPHER_CHECKS | CERTIFICATE_CHECKS
    for check in tls:
        assert check.cvss_vector.startswith("CVSS:3.1/") and check.severity() > 0
        assert all([check.name, check.summary, check.insight, check.affected, check.impact, check.solution, check.references])
    assert {c.nvt for c in tls if c.pci_fail} == {"CG-1001", "CG-1002", "CG-1003", "CG-1004", "CG-1007", "CG-1008", "CG-1009"}

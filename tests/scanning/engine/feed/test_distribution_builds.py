"""Distribution builds a reviewer meets, against protocol-faithful servers on 127.0.0.x detected by
the engine's own service stage (the banner is the evidence): Amazon Linux 2's httpd (an empty OS
comment), PHP's X-Powered-By under a distribution's Server header, and an upstream control each."""

import pytest

from .banner_servers import check, http, scan

SERVERS = {
    "amazon_linux_2": http(b"Apache/2.4.58 () OpenSSL/1.0.2k-fips"),
    "apache_upstream": http(b"Apache/2.4.58 (Unix)"),
    "openssl_fips": http(b"Apache/2.4.66 (Unix) OpenSSL/1.0.2u-fips"),
    "php_debian": http(b"Apache/2.4.62 (Debian)", b"PHP/7.4.33"),
    "php_upstream": http(b"nginx/1.26.2", b"PHP/7.3.33"),
    "php_docker": http(b"Apache/2.4.62 (Debian)", b"PHP/8.1.31"),  # the php:8.1-apache image: upstream PHP
}


@pytest.fixture(scope="module")
def ports():
    return scan(SERVERS)


def test_amazon_linux_2_httpd_is_a_distribution_build(ports):
    [finding] = [f for f in check("CG-9000", ports["amazon_linux_2"]) if f.cves == ("CVE-2024-38476",)]
    assert finding.qod == 30
    assert "Amazon Linux build, seen as 'Apache/2.4.58 ()'" in finding.detection and "backported" in finding.detection
    [upstream] = check("CG-9000", ports["apache_upstream"])
    assert upstream.cves == ("CVE-2024-38476",) and upstream.qod == 80 and "distribution" not in upstream.detection


def test_x_powered_by_takes_the_distribution_of_the_server_header(ports):
    [php] = check("CG-9002", ports["php_debian"])
    assert php.name == "PHP 7.4.33: unsupported version (end of life)" and php.qod == 30
    assert "Debian in the Server header 'Apache/2.4.62 (Debian)'" in php.detection
    [docker] = check("CG-9002", ports["php_docker"])  # no Debian release ships PHP 8.1
    assert docker.qod == 80 and "distribution" not in docker.detection
    [upstream] = check("CG-9002", ports["php_upstream"])
    assert upstream.qod == 80 and "X-Powered-By header 'PHP/7.3.33'" in upstream.detection
    assert "distribution" not in upstream.detection


def test_a_fips_openssl_is_a_vendor_build(ports):
    [finding] = check("CG-9003", ports["openssl_fips"])
    assert finding.qod == 30 and "(a vendor FIPS build, seen as 'fips')" in finding.detection

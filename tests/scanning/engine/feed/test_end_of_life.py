"""The end-of-life lines (CG-9001..) at their edges, as of December 2026: OpenSSL before 3.5, MySQL
before 8.4, MariaDB before 10.11 and 11.0-11.3, PostgreSQL before 15, Tomcat 10.0, BIND before
9.18. Banner servers announce the versions (MySQL/MariaDB handshakes, Apache's Server header);
PostgreSQL, Tomcat and BIND ports are written as detection writes them. A distribution build
(a revision or distribution word) is a QoD 30 match; the supported line next to each is silent."""

import pytest

from scanning.engine.types import PortResult

from .banner_servers import check, http, mysql, scan

SERVERS = {
    "mysql_80": mysql(b"8.0.36"),
    "mysql_84": mysql(b"8.4.3"),
    "mysql_80_ubuntu": mysql(b"8.0.42-0ubuntu0.22.04.1"),
    "mariadb_103": mysql(b"5.5.5-10.3.39-MariaDB"),
    "mariadb_106_ubuntu": mysql(b"5.5.5-10.6.22-MariaDB-0ubuntu0.22.04.1"),
    "mariadb_1011_debian": mysql(b"5.5.5-10.11.6-MariaDB-0+deb12u1"),
    "mariadb_114": mysql(b"5.5.5-11.4.5-MariaDB"),
    "openssl_31": http(b"Apache/2.4.58 (Win64) OpenSSL/3.1.3 PHP/8.2.12"),  # XAMPP
    "openssl_30_ubuntu": http(b"Apache/2.4.66 (Unix) OpenSSL/3.0.13"),  # built on Ubuntu 24.04's libssl
    "openssl_30_debian": http(b"Apache/2.4.66 (Unix) OpenSSL/3.0.22"),  # Debian 12 follows the 3.0 releases
    "openssl_35": http(b"Apache/2.4.66 (Unix) OpenSSL/3.5.4"),
    "apache_major": http(b"Apache/2"),  # ServerTokens Major
    "apache_minor": http(b"Apache/2.4 (Debian)"),  # ServerTokens Minor
    "apache_22": http(b"Apache/2.2.34"),
    "centos_7": http(b"Apache/2.4.6 (CentOS) OpenSSL/1.0.2k-fips PHP/5.4.16"),
    "rhel_7": http(b"Apache/2.4.6 (Red Hat Enterprise Linux) OpenSSL/1.0.2k-fips PHP/5.4.16"),
    "centos_stream_9": http(b"Apache/2.4.62 (CentOS Stream) OpenSSL/3.2.2"),
}


@pytest.fixture(scope="module")
def ports():
    return scan(SERVERS)


def eol(nvt, port):
    return [(f.name, f.qod) for f in check(nvt, port)]


def test_mysql_80_is_past_its_end_of_life(ports):
    [finding] = check("CG-9004", ports["mysql_80"])
    assert (finding.name, finding.qod, finding.severity) == ("MySQL 8.0.36: unsupported version (end of life)", 80, 10.0)
    assert "MySQL 8.0.36 belongs to the 8.3 and older line(s) (< 8.4)" in finding.detection
    assert "banner '8.0.36'" in finding.detection and finding.solution == "Upgrade to a supported release line: 8.4 (LTS)."
    assert eol("CG-9004", ports["mysql_84"]) == []
    [ubuntu] = check("CG-9004", ports["mysql_80_ubuntu"])
    assert ubuntu.qod == 30 and "Ubuntu package revision 0ubuntu0.22.04.1" in ubuntu.detection


def test_mariadb_lines(ports):
    assert eol("CG-9009", ports["mariadb_103"]) == [("MariaDB 10.3.39: unsupported version (end of life)", 80)]
    assert eol("CG-9009", ports["mariadb_106_ubuntu"]) == [("MariaDB 10.6.22: unsupported version (end of life)", 30)]
    assert eol("CG-9009", ports["mariadb_1011_debian"]) == eol("CG-9009", ports["mariadb_114"]) == []
    assert all(eol("CG-9004", ports[name]) == [] for name in SERVERS if name.startswith("mariadb"))  # MariaDB is no MySQL


def test_openssl_31_in_a_server_header(ports):
    assert eol("CG-9003", ports["openssl_31"]) == [("OpenSSL 3.1.3: unsupported version (end of life)", 80)]
    assert eol("CG-9003", ports["openssl_35"]) == []


def test_openssl_a_distribution_ships_is_a_probable_distribution_build(ports):
    [finding] = check("CG-9003", ports["openssl_30_ubuntu"])
    assert finding.qod == 30 and "probable distribution build" in finding.detection
    assert "Debian 12 (bookworm), Ubuntu 24.04 ship" in finding.detection
    assert "Debian 12 (bookworm) ships" in check("CG-9003", ports["openssl_30_debian"])[0].detection


def test_a_truncated_apache_version_is_no_version(ports):
    """ "Apache/2" is not "2.2 and older": ServerTokens Major hides which 2.x it is."""
    assert ports["apache_major"].version == "2" and ports["apache_minor"].version == "2.4"
    for name in ("apache_major", "apache_minor"):
        assert check("CG-9001", ports[name]) == [] and check("CG-9000", ports[name]) == []
    assert eol("CG-9001", ports["apache_22"]) == [("Apache httpd 2.2.34: unsupported version (end of life)", 80)]


def test_centos_linux_builds_are_as_unsupported_as_the_lines_they_carry(ports):
    """CentOS Linux has ended (7 in June 2024): its PHP 5.4 and OpenSSL 1.0.2 get no fixes from
    anyone. RHEL 7 and CentOS Stream 9 still patch theirs: QoD 30."""
    for nvt in ("CG-9002", "CG-9003"):
        [finding] = check(nvt, ports["centos_7"])
        assert finding.qod == 80 and "CentOS Linux reached its end of life" in finding.detection
        assert finding.detection.endswith("nothing patches its packages any more.")
        assert [f.qod for f in check(nvt, ports["rhel_7"])] == [30]
    [stream] = check("CG-9003", ports["centos_stream_9"])
    assert stream.qod == 30 and "CentOS Stream build" in stream.detection


def postgresql(server_version):
    version = server_version.split()[0]
    return PortResult(5432, "tcp", service="postgresql", product="PostgreSQL", version=version,
                      cpe=f"cpe:/a:postgresql:postgresql:{version}", extra={"postgresql": {"server_version": server_version}})


def test_postgresql_14_and_its_ubuntu_build():
    [upstream] = check("CG-9005", postgresql("14.13"))
    assert upstream.qod == 80 and "PostgreSQL server_version '14.13'" in upstream.detection
    [ubuntu] = check("CG-9005", postgresql("14.13 (Ubuntu 14.13-0ubuntu0.22.04.1)"))
    assert ubuntu.qod == 30 and "Ubuntu package revision 0ubuntu0.22.04.1" in ubuntu.detection
    assert check("CG-9005", postgresql("15.10")) == []


@pytest.mark.parametrize("nvt, cpe, ended, supported", [
    ("CG-9007", "apache:tomcat", ["8.5.100", "10.0.27"], ["9.0.98", "10.1.34", "11.0.2"]),
    ("CG-9008", "isc:bind", ["9.11.37", "9.16.50"], ["9.18.33", "9.20.5"]),
])
def test_lines_by_cpe(nvt, cpe, ended, supported):
    def findings(version):
        return check(nvt, PortResult(1, "tcp", service="x", version=version, cpe=f"cpe:/a:{cpe}:{version}"))

    assert all(len(findings(version)) == 1 for version in ended)
    assert all(findings(version) == [] for version in supported)

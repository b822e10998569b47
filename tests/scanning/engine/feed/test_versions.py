"""Version strings as servers announce them: the upstream version and the distribution build
around it, and the order of versions (dpkg's rules on a normalised upstream string)."""

import pytest

from scanning.engine.feed.components import timeless
from scanning.engine.feed.versions import Version, detect_version, package_version_compare, upstream_of


@pytest.mark.parametrize("older, newer", [
    ("7.4p1", "7.4p2"), ("7.4p2", "8.0p1"), ("7.4p1", "8.0p1"), ("9.8", "9.8p1"), ("9.7p1", "9.8p1"),
    ("2.4.49", "2.4.50"), ("2.4.9", "2.4.10"), ("1.22.1", "1.24.0"), ("4.96", "4.96.1"), ("4.92.2", "4.92.3"),
    ("1.0.1", "1.0.1a"), ("1.0.1f", "1.0.1g"), ("1.0.2k", "1.0.2zd"), ("1.0.2z", "1.0.2za"),
    ("3.0.0-beta1", "3.0.0"), ("3.0.0-alpha2", "3.0.0-beta1"), ("1.3.6rc4", "1.3.6"), ("1.3.5", "1.3.5a"),
    ("1.3.5b", "1.3.5e"), ("2.89", "2.90"), ("7.0.15", "7.0.16"), ("6.2.19", "7.0.0"), ("10.0", "10.0.1"),
])
def test_order(older, newer):
    assert Version(older) < Version(newer)
    assert Version(newer) > Version(older)
    assert not Version(older) == Version(newer)


def test_equal_versions_and_plain_strings():
    assert Version("2.4.49") == Version("2.4.49") == "2.4.49"
    assert Version("2.4.49") <= "2.4.49" < "2.4.50"
    assert sorted(["8.0p1", "7.4p2", "9.8p1", "7.4p1", "9.8"], key=Version) == ["7.4p1", "7.4p2", "8.0p1", "9.8", "9.8p1"]


@pytest.mark.parametrize("version, banner, expected", [
    ("9.2p1", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10", ("9.2p1", "2+deb12u10", "Debian", "bookworm")),
    ("8.4p1", "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3", ("8.4p1", "5+deb11u3", "Debian", "bullseye")),
    ("8.9p1", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10", ("8.9p1", "3ubuntu0.10", "Ubuntu", "")),
    ("1.22.1", "nginx/1.22.1", ("1.22.1", "", "", "")),
    ("1.18.0", "nginx/1.18.0 (Ubuntu)", ("1.18.0", "", "Ubuntu", "")),
    ("2.4.49", "Apache/2.4.49 (Unix)", ("2.4.49", "", "", "")),
    ("2.4.62", "Apache/2.4.62 (Debian)", ("2.4.62", "", "Debian", "")),
    ("2.4.37", "Apache/2.4.37 (centos) OpenSSL/1.1.1k", ("2.4.37", "", "CentOS", "")),
    ("3.0.3", "220 (vsFTPd 3.0.3)", ("3.0.3", "", "", "")),
    ("4.96", "220 mail.example.org ESMTP Exim 4.96 Sun, 06 Dec 2026 00:00:00 +0000", ("4.96", "", "", "")),
    ("2.90", "dnsmasq-2.90", ("2.90", "", "", "")),
    ("7.0.15", "", ("7.0.15", "", "", "")),
    ("1.3.5", "220 ProFTPD 1.3.5 Server (ProFTPD Default Installation) [127.0.0.1]", ("1.3.5", "", "", "")),
    ("1.3.8", "220 ProFTPD 1.3.8 Server (Debian) [::ffff:127.0.0.1]", ("1.3.8", "", "Debian", "")),
    ("10.11.6", "10.11.6-MariaDB-0+deb12u1", ("10.11.6", "0+deb12u1", "Debian", "bookworm")),
    ("9.18.28", "9.18.28-1~deb12u2-Debian", ("9.18.28", "1~deb12u2", "Debian", "bookworm")),
    ("7.4.3", "PHP/7.4.3-4ubuntu2.19", ("7.4.3", "4ubuntu2.19", "Ubuntu", "")),
    ("2.4.37-43.module+el8.5.0", "", ("2.4.37", "43.module+el8.5.0", "Red Hat", "el8")),
    ("2.4.58", "Apache/2.4.58 () OpenSSL/1.0.2k-fips", ("2.4.58", "", "Amazon Linux", "")),  # Amazon Linux 2
    ("2.4.62", "Apache/2.4.62 (Amazon Linux)", ("2.4.62", "", "Amazon Linux", "")),
    ("2.4.37", "Apache/2.4.37 (Red Hat Enterprise Linux)", ("2.4.37", "", "Red Hat", "")),
    ("9.3", "SSH-2.0-OpenSSH_9.3 FreeBSD-20230719", ("9.3", "", "FreeBSD", "")),
    ("9.3", "FreeBSD 20230719; protocol 2.0", ("9.3", "", "FreeBSD", "")),  # nmap's extrainfo
    ("2.4.62", "Apache/2.4.62 (FreeBSD) PHP/8.3.14", ("2.4.62", "", "", "")),  # a port: upstream's release
    ("1.1.1t-freebsd", "Apache/2.4.57 (FreeBSD) OpenSSL/1.1.1t-freebsd", ("1.1.1t", "", "FreeBSD", "")),  # base OpenSSL
    ("2.4.37", "Apache/2.4.37 (Oracle Linux Server)", ("2.4.37", "", "Oracle Linux", "")),
    ("2.4.51", "Apache/2.4.51 (Linux/SUSE)", ("2.4.51", "", "SUSE", "")),
    ("2.4.58", "Apache/2.4.58 (openSUSE)", ("2.4.58", "", "openSUSE", "")),
    ("8.4p1", "SSH-2.0-OpenSSH_8.4p1 Raspbian-5+deb11u3", ("8.4p1", "5+deb11u3", "Raspbian", "bullseye")),
    ("2.4.58", "Apache/2.4.58 (Unix) OpenSSL/3.1.3", ("2.4.58", "", "", "")),
    ("4.94", "220 mx.debian.example ESMTP Exim 4.94 Sun, 06 Dec 2026 00:00:00 +0000", ("4.94", "", "", "")),
    ("4.97", "220 ubuntu.mail.example ESMTP Exim 4.97", ("4.97", "", "", "")),
])
def test_upstream_and_distribution_build(version, banner, expected):
    detected = detect_version(version, banner)
    assert (detected.upstream, detected.revision, detected.distribution, detected.release) == expected
    assert detected.distribution_build == bool(expected[2])


def test_a_product_name_containing_deb_is_no_revision():
    assert detect_version("1.2.3", "Server: debugger/1.2.3").distribution == ""


def test_package_version_for_the_tracker():
    detected = detect_version("9.2p1", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")
    assert detected.package_version == "9.2p1-2+deb12u3"
    assert package_version_compare("1:" + detected.package_version, "1:9.2p1-2+deb12u3") == 0
    assert package_version_compare("1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3") == -1
    assert package_version_compare("1:9.2p1-2+deb12u10", "1:9.2p1-2+deb12u3") == 1  # numeric, not text
    assert package_version_compare("5:7.0.15-1~deb12u1", "5:7.0.15-1") == -1  # ~ sorts before the release


def test_upstream_of_odd_strings():
    assert upstream_of("") == ""
    assert upstream_of("unknown") == ""
    assert upstream_of("2.4.49") == "2.4.49"


@pytest.mark.parametrize("banner, quoted", [
    ("220 mail.test ESMTP Exim 4.96 Sun, 06 Dec 2026 03:10:58 +0000", "220 mail.test ESMTP Exim 4.96 <date>"),
    ("220 mx ESMTP Sendmail 8.15.2/8.15.2; Sun, 6 Dec 2026 03:10:58 +0100 (CET)", "220 mx ESMTP Sendmail 8.15.2/8.15.2; <date>"),
    ("* OK Dovecot ready. Sun Dec  6 03:10:58 2026", "* OK Dovecot ready. <date>"),
    ("220 ftp 2026-12-06T03:10:58Z ready", "220 ftp <date> ready"),
    ("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
    ("220 ProFTPD 1.3.5 Server (Debian) [127.0.0.1]", "220 ProFTPD 1.3.5 Server (Debian) [127.0.0.1]"),
])
def test_the_date_in_a_banner_is_left_out_of_the_evidence(banner, quoted):
    assert timeless(banner) == quoted

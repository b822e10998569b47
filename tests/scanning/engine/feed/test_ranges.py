"""NVD CPE match ranges (including/excluding bounds, exact versions, OpenSSH's split update
field, non-vulnerable entries), CPE parsing and the product names that map onto NVD's."""

import pytest

from scanning.engine.feed.products import parse_cpe, product_for
from scanning.engine.feed.ranges import CpeRange, range_from_nvd

CRITERIA = "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"


def nvd(**fields):
    return range_from_nvd({"vulnerable": True, "criteria": CRITERIA, **fields})


@pytest.mark.parametrize("bounds, inside, outside", [
    ({"versionStartIncluding": "2.4.0", "versionEndIncluding": "2.4.48"}, ["2.4.0", "2.4.9", "2.4.48"], ["2.2.34", "2.4.49", "2.4.50"]),
    ({"versionStartExcluding": "2.4.0", "versionEndExcluding": "2.4.48"}, ["2.4.1", "2.4.47"], ["2.4.0", "2.4.48"]),
    ({"versionEndExcluding": "2.4.51"}, ["1.3.42", "2.4.50"], ["2.4.51", "2.4.62"]),
    ({"versionStartIncluding": "2.4.49"}, ["2.4.49", "3.0"], ["2.4.48"]),
])
def test_bounds(bounds, inside, outside):
    cpe_range = nvd(**bounds)
    assert all(cpe_range.matches(v) for v in inside), [v for v in inside if not cpe_range.matches(v)]
    assert not any(cpe_range.matches(v) for v in outside), [v for v in outside if cpe_range.matches(v)]


def test_exact_version_and_every_version():
    exact = range_from_nvd({"vulnerable": True, "criteria": "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"})
    assert exact.version == "2.4.49" and exact.matches("2.4.49")
    assert not exact.matches("2.4.50") and not exact.matches("2.4.4")
    assert nvd().matches("0.1") and nvd().describe() == "every version"


def test_openssh_ranges_and_update_field():
    regresshion = range_from_nvd({"vulnerable": True, "criteria": "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*",
                                  "versionStartIncluding": "8.5p1", "versionEndExcluding": "9.8p1"})
    assert [v for v in ("8.4p1", "8.5p1", "9.2p1", "9.7p1", "9.8p1", "9.9p1") if regresshion.matches(v)] == ["8.5p1", "9.2p1", "9.7p1"]
    assert regresshion.describe() == ">= 8.5p1, < 9.8p1" and regresshion.fixed_version == "9.8p1"
    split = range_from_nvd({"vulnerable": True, "criteria": "cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*"})
    assert split.version == "7.4p1" and split.matches("7.4p1") and not split.matches("7.4p2")
    base = range_from_nvd({"vulnerable": True, "criteria": "cpe:2.3:a:openbsd:openssh:7.4:-:*:*:*:*:*:*"})
    assert base.version == "7.4" and not base.matches("7.4p1")
    beta = range_from_nvd({"vulnerable": True, "criteria": "cpe:2.3:a:openssl:openssl:3.0.0:beta1:*:*:*:*:*:*"})
    assert beta.matches("3.0.0-beta1") and not beta.matches("3.0.0")


def test_entries_that_are_not_kept():
    assert range_from_nvd({"vulnerable": False, "criteria": CRITERIA}) is None
    assert range_from_nvd({"criteria": CRITERIA}) is None  # vulnerable must be said
    assert range_from_nvd({"vulnerable": True, "criteria": "cpe:2.3:h:cisco:router:-:*:*:*:*:*:*:*"}) is None
    assert range_from_nvd({"vulnerable": True, "criteria": "cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*"}) is None
    assert range_from_nvd({"vulnerable": True, "criteria": "garbage"}) is None


def test_cpe_parsing():
    assert parse_cpe("cpe:/a:openbsd:openssh:9.2p1") == {"part": "a", "vendor": "openbsd", "product": "openssh", "version": "9.2p1", "update": ""}
    assert parse_cpe("cpe:/a:igor_sysoev:nginx")["version"] == ""
    assert parse_cpe("cpe:2.3:a:foo:bar\\:baz:1.0:*:*:*:*:*:*:*")["product"] == "bar:baz"
    assert parse_cpe("") is None and parse_cpe("cpe:/a") is None and parse_cpe("http://x") is None


@pytest.mark.parametrize("cpe, name, key, pair", [
    ("cpe:/a:openbsd:openssh:9.2p1", "OpenSSH", "openssh", ("openbsd", "openssh")),
    ("cpe:/a:igor_sysoev:nginx:1.22.1", "nginx", "nginx", ("nginx", "nginx")),
    ("cpe:/a:vsftpd:vsftpd:3.0.3", "vsftpd", "vsftpd", ("vsftpd_project", "vsftpd")),
    ("cpe:/a:redislabs:redis:7.0.15", "Redis key-value store", "redis", ("redis", "redis")),
    ("cpe:/a:mysql:mysql:5.7.44", "MySQL", "mysql", ("oracle", "mysql")),
    ("", "Apache httpd", "apache_httpd", ("apache", "http_server")),
    ("", "Exim smtpd", "exim", ("exim", "exim")),
    ("", "dnsmasq", "dnsmasq", ("thekelleys", "dnsmasq")),
    ("", "ProFTPD", "proftpd", ("proftpd", "proftpd")),
    ("", "Microsoft IIS httpd", "iis", ("microsoft", "internet_information_services")),
])
def test_products_map_onto_nvd_names(cpe, name, key, pair):
    product, pairs = product_for(cpe, name)
    assert product.key == key and pair in pairs


def test_unknown_products_use_their_own_cpe():
    assert product_for("cpe:/a:acme:widget:1.0", "Widget") == (None, (("acme", "widget"),))
    assert product_for("", "Widget") == (None, ())


def test_range_describe():
    assert CpeRange("a", "b", start_including="1.0", end_excluding="2.0").describe() == ">= 1.0, < 2.0"
    assert CpeRange("a", "b", start_excluding="1.0", end_including="2.0").describe() == "> 1.0, <= 2.0"

"""nmap's second opinion merged field by field: it fills blanks, never blanks a field, never swaps
a version for a phrase or a vaguer value, maps CPE vendors to NVD's, and keeps its hints."""

import pytest

from scanning.engine.merge import merge, needs_second_opinion, nvd_cpe
from scanning.engine.services.base import clean_version
from scanning.engine.types import PortResult


def answer(cpe=(), scripts=None, **service):
    return {"state": "open", "service": {"method": "probed", **service}, "cpe": list(cpe), "scripts": scripts or {}}


ENGINE_FIELDS = ("service", "product", "version", "cpe")


@pytest.mark.parametrize("nmap_says", [
    answer(name="redis", product="Redis key-value store"),  # no version: must not blank ours
    answer(name="redis", product="Redis key-value store", version="", cpe=["cpe:/a:redislabs:redis"]),
    answer(name="unknown"),
    answer(name="redis", product="Redis", version="6.0 or later"),
    answer(name="redis", product="Something else", version="9.9.9", cpe=["cpe:/a:acme:thing:9.9.9"]),
])
def test_merge_never_loses_or_replaces_a_field_the_engine_found(nmap_says):
    port = PortResult(6379, "tcp", service="redis", product="Redis key-value store", version="7.0.15",
                      cpe="cpe:/a:redis:redis:7.0.15")
    merge(port, nmap_says)
    assert tuple(getattr(port, f) for f in ENGINE_FIELDS) == ("redis", "Redis key-value store", "7.0.15", "cpe:/a:redis:redis:7.0.15")


def test_merge_fills_blanks_with_clean_values_and_nvd_vendors():
    port = PortResult(17053, "tcp")
    merge(port, answer(name="domain", product="dnsmasq", version="2.90", cpe=["cpe:/a:thekelleys:dnsmasq:2.90"]))
    assert (port.service, port.product, port.version, port.cpe) == ("dns", "dnsmasq", "2.90", "cpe:/a:thekelleys:dnsmasq:2.90")
    pg = PortResult(5432, "tcp", service="postgresql", product="PostgreSQL", cpe="cpe:/a:postgresql:postgresql")
    merge(pg, answer(name="postgresql", product="PostgreSQL DB", version="9.6.0 or later", cpe=["cpe:/a:postgresql:postgresql"]))
    assert (pg.product, pg.version, pg.cpe) == ("PostgreSQL", "", "cpe:/a:postgresql:postgresql")
    ssh = PortResult(22, "tcp", service="ssh", product="OpenSSH")
    merge(ssh, answer(name="ssh", product="OpenSSH", version="9.2p1 Debian 2+deb12u10", cpe=["cpe:/a:openbsd:openssh:9.2p1"]))
    assert (ssh.version, ssh.cpe) == ("9.2p1", "cpe:/a:openbsd:openssh:9.2p1")
    redis = PortResult(6379, "tcp", service="redis", product="Redis key-value store")
    merge(redis, answer(name="redis", product="Redis key-value store", version="7.0.15", cpe=["cpe:/a:redislabs:redis:7.0.15"]))
    assert redis.cpe == "cpe:/a:redis:redis:7.0.15"


def test_a_different_product_from_nmap_does_not_lend_its_version_or_cpe():
    port = PortResult(8080, "tcp", service="http", product="Gunicorn")
    merge(port, answer(name="http", product="nginx", version="1.18.0", cpe=["cpe:/a:igor_sysoev:nginx:1.18.0"]))
    assert (port.product, port.version, port.cpe) == ("Gunicorn", "", "")
    assert port.extra["nmap"]["product"] == "nginx"  # kept as a hint


def test_hints_and_scripts_are_kept_for_the_checks():
    port = PortResult(161, "udp", service="snmp", product="net-snmp")
    merge(port, answer(name="snmp", product="SNMPv1 server; net-snmp SNMPv3 server", extrainfo="public",
                       cpe=["cpe:/a:net-snmp:net-snmp"], scripts={"snmp-info": "enterprise: net-snmp"}))
    assert port.extra["nmap"]["extrainfo"] == "public"
    assert port.extra["nmap"]["scripts"] == {"snmp-info": "enterprise: net-snmp"}
    assert port.extra["snmp"]["community"] == "public"


def test_a_cpe_without_version_gets_the_merged_version():
    port = PortResult(21, "tcp", service="ftp", product="vsftpd", cpe="cpe:/a:beasts:vsftpd")
    merge(port, answer(name="ftp", product="vsftpd", version="3.0.3", cpe=["cpe:/a:vsftpd:vsftpd:3.0.3"]))
    assert (port.version, port.cpe) == ("3.0.3", "cpe:/a:beasts:vsftpd:3.0.3")


def test_which_ports_get_a_second_opinion():
    assert needs_second_opinion(PortResult(1, "tcp"))
    assert needs_second_opinion(PortResult(23, "tcp", service="telnet"))
    assert not needs_second_opinion(PortResult(22, "tcp", service="ssh", product="OpenSSH"))


@pytest.mark.parametrize(("raw", "clean"), [
    ("9.2p1 Debian 2+deb12u10", "9.2p1"), ("9.6.0 or later", ""), ("2.0.0 - 2.2.0", ""), ("1.X", ""),
    ("7.0.15", "7.0.15"), ("Ubuntu", ""), ("", ""), ("v1.2.3", "1.2.3"),
])
def test_a_version_is_a_version_or_nothing(raw, clean):
    assert clean_version(raw) == clean


def test_nvd_vendors():
    assert nvd_cpe("cpe:/a:igor_sysoev:nginx:1.22.1") == "cpe:/a:f5:nginx:1.22.1"
    assert nvd_cpe("cpe:/a:apache:http_server:2.4.57") == "cpe:/a:apache:http_server:2.4.57"

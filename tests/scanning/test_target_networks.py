"""Blocked networks, scan-time name resolution and address formatting behind target parsing."""

import ipaddress
import socket
import time

import pytest

from scanning import networks
from scanning.targets import (
    TargetError,
    blocked_networks_from_setting,
    default_blocked_networks,
    parse_targets,
    resolve_hostnames,
)


def addresses(hosts, exclude=""):
    return list(parse_targets(hosts, exclude).addresses)


def error_of(hosts, exclude="", **kwargs):
    with pytest.raises(TargetError) as caught:
        parse_targets(hosts, exclude, **kwargs)
    return caught.value


# --- blocked networks -------------------------------------------------------------------------


def test_default_blocked_networks_cover_loopback_link_local_metadata_and_own_addresses():
    blocked = default_blocked_networks()
    for address in ["127.0.0.1", "127.8.9.10", "::1", "169.254.169.254", "169.254.1.1", "fe80::1", "fd00:ec2::254",
                    "0.0.0.0", "::"]:
        assert any(ipaddress.ip_address(address) in network for network in blocked), address
    own = ipaddress.ip_address(socket.gethostbyname(socket.gethostname()))
    assert any(own in network for network in blocked)
    assert default_blocked_networks() is blocked  # computed once


def test_unset_setting_means_the_defaults(settings):
    settings.SCAN_BLOCKED_NETWORKS = None
    assert blocked_networks_from_setting() == list(default_blocked_networks())
    error = error_of("8.8.8.8, 127.0.0.1, 169.254.169.254", blocked_networks=blocked_networks_from_setting())
    assert error.tokens == ("127.0.0.1", "169.254.169.254")
    assert str(error) == '"127.0.0.1", "169.254.169.254" are in blocked networks and may not be scanned'


def test_empty_setting_blocks_nothing(settings):
    settings.SCAN_BLOCKED_NETWORKS = ""
    assert blocked_networks_from_setting() == []
    assert addresses("127.0.0.1") == ["127.0.0.1"]
    assert parse_targets("127.0.0.1", blocked_networks=blocked_networks_from_setting()).addresses == ("127.0.0.1",)


def test_setting_lists_cidrs_and_may_extend_the_defaults(settings):
    settings.SCAN_BLOCKED_NETWORKS = " 10.0.0.0/8 , 2001:db8::/32"
    assert blocked_networks_from_setting() == [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::/32")]
    settings.SCAN_BLOCKED_NETWORKS = "default,192.0.2.0/24"
    blocked = blocked_networks_from_setting()
    assert ipaddress.ip_network("127.0.0.0/8") in blocked and ipaddress.ip_network("192.0.2.0/24") in blocked


def test_bad_setting_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SCAN_BLOCKED_NETWORKS = "10.0.0.0/8, not-a-network"
    with pytest.raises(ImproperlyConfigured, match="not-a-network"):
        blocked_networks_from_setting()


def test_blocked_check_names_one_token_and_spares_excluded_parts():
    blocked = [ipaddress.ip_network("10.0.0.128/25")]
    error = error_of("10.0.1.0/24, 10.0.0.0/24", blocked_networks=blocked)
    assert str(error) == '"10.0.0.0/24" is in a blocked network and may not be scanned'
    assert parse_targets("10.0.0.0/24", "10.0.0.128/25", blocked_networks=blocked).count == 128


def test_ipv4_mapped_ipv6_cannot_sneak_past_an_ipv4_block():
    blocked = [ipaddress.ip_network("127.0.0.0/8")]
    assert error_of("::ffff:127.0.0.1", blocked_networks=blocked).token == "::ffff:127.0.0.1"
    assert error_of("::ffff:127.0.0.0/120", blocked_networks=blocked).token == "::ffff:127.0.0.0/120"
    assert error_of("127.0.0.1", blocked_networks=[ipaddress.ip_network("::ffff:127.0.0.0/104")]).token == "127.0.0.1"


def test_hostnames_are_not_checked_until_resolved():
    assert parse_targets("localhost", blocked_networks=[ipaddress.ip_network("127.0.0.0/8")]).hostnames == ("localhost",)


# --- scan-time resolution -----------------------------------------------------------------------


def test_resolve_hostnames_keeps_names_and_drops_blocked_results():
    resolved = resolve_hostnames(["localhost", "nothing-here.invalid"], blocked_networks=[])
    assert "127.0.0.1" in resolved["localhost"]
    assert resolved["nothing-here.invalid"] == []
    blocked = resolve_hostnames(["localhost"], blocked_networks=list(default_blocked_networks()))
    assert blocked == {"localhost": []}


def test_resolve_hostnames_gives_up_after_the_timeout(monkeypatch):
    def slow(name, *args, **kwargs):
        time.sleep(3 if name == "slow.example" else 0)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.10", 0))]

    monkeypatch.setattr(networks.socket, "getaddrinfo", slow)
    started = time.perf_counter()
    resolved = resolve_hostnames(["slow.example", "fast.example"], timeout=0.2)
    assert time.perf_counter() - started < 2.5  # the slow lookup takes 3 s
    assert resolved == {"slow.example": [], "fast.example": ["192.0.2.10"]}


def test_resolve_hostnames_normalises_and_deduplicates(monkeypatch):
    infos = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1%eth0", 0, 0, 2)),
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:DB8::1", 0, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", 0)),
    ]
    monkeypatch.setattr(networks.socket, "getaddrinfo", lambda *args, **kwargs: infos)
    assert resolve_hostnames(["h.example"]) == {"h.example": ["fe80::1", "2001:db8::1", "192.0.2.1"]}
    assert resolve_hostnames(["h.example"], blocked_networks=[ipaddress.ip_network("fe80::/10")]) == {
        "h.example": ["2001:db8::1", "192.0.2.1"]
    }
    assert resolve_hostnames([]) == {}


@pytest.mark.parametrize(
    "text",
    ["0.0.0.0", "10.0.0.1", "255.255.255.255", "::", "::1", "::ffff:10.0.0.1", "::1.2.3.4", "::1:0:0:0",
     "2001:db8::1", "2001:db8:0:1:1:1:1:1", "2001:0:0:1::1", "fe80::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
     "1:0:0:2:0:0:0:3", "0:0:1::"],
)
def test_fast_address_formatting_matches_ipaddress(text):
    address = ipaddress.ip_address(text)
    assert networks.key_to_text(networks.address_key(address)) == str(address)
    assert parse_targets(text).addresses == (str(address),)

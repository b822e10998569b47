"""Target parsing: what a user types into `hosts` / `exclude_hosts` and what gets scanned."""

import ipaddress
import random
import time

import pytest

from scanning.targets import TargetError, TargetSet, count_targets, parse_errors, parse_targets


def addresses(hosts, exclude=""):
    return list(parse_targets(hosts, exclude).addresses)


def error_of(hosts, exclude="", **kwargs):
    with pytest.raises(TargetError) as caught:
        parse_targets(hosts, exclude, **kwargs)
    return caught.value


# --- addresses, networks and ranges -------------------------------------------------------


def test_single_ipv4_and_ipv6_addresses():
    assert addresses("10.0.0.1") == ["10.0.0.1"]
    assert addresses("2001:0db8:0000:0000:0000:0000:0000:0001") == ["2001:db8::1"]
    assert addresses("2001:DB8::A") == ["2001:db8::a"]
    assert addresses("::1") == ["::1"]


def test_separators_commas_newlines_spaces_tabs_semicolons():
    text = "10.0.0.1,10.0.0.2\n10.0.0.3 10.0.0.4\t10.0.0.5;10.0.0.6\r\n, ;10.0.0.7,"
    assert addresses(text) == [f"10.0.0.{i}" for i in range(1, 8)]


def test_empty_input_is_an_empty_set():
    assert parse_targets("") == TargetSet()
    assert parse_targets(" ,\n ;").count == 0
    assert count_targets("") == 0


def test_cidr_counts_network_and_broadcast():
    assert addresses("192.168.1.0/30") == ["192.168.1.0", "192.168.1.1", "192.168.1.2", "192.168.1.3"]
    assert addresses("192.168.1.0/31") == ["192.168.1.0", "192.168.1.1"]
    assert addresses("192.168.1.7/32") == ["192.168.1.7"]
    assert count_targets("10.0.0.0/24") == 256
    assert count_targets("10.0.0.0/16") == 65536


def test_cidr_with_host_bits_covers_the_whole_block():
    assert addresses("10.0.0.5/30") == ["10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]


def test_ipv6_cidr():
    assert addresses("2001:db8::/127") == ["2001:db8::", "2001:db8::1"]
    assert addresses("2001:db8::5/128") == ["2001:db8::5"]
    assert count_targets("2001:db8::/112") == 65536


def test_full_and_short_ranges():
    assert addresses("10.0.0.1-10.0.0.3") == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert addresses("10.0.0.254-10.0.1.1") == ["10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"]
    assert addresses("10.0.0.1-3") == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert addresses("10.0.0.7-7") == ["10.0.0.7"]
    assert count_targets("10.0.0.1-50") == 50


def test_ipv6_full_range():
    assert addresses("2001:db8::fe-2001:db8::101") == ["2001:db8::fe", "2001:db8::ff", "2001:db8::100", "2001:db8::101"]


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("10.0.0.250-5", '"10.0.0.250-5" is not a valid range: it starts after it ends'),
        ("10.0.0.9-10.0.0.1", '"10.0.0.9-10.0.0.1" is not a valid range: it starts after it ends'),
        ("2001:db8::9-2001:db8::1", '"2001:db8::9-2001:db8::1" is not a valid range: it starts after it ends'),
        ("10.0.0.1-::1", '"10.0.0.1-::1" is not a valid range: it mixes IPv4 and IPv6'),
        ("10.0.0.1-256", '"10.0.0.1-256" is not a valid address, network, range or hostname'),
        ("10.0.0.1-", '"10.0.0.1-" is not a valid address, network, range or hostname'),
        ("10.0.0.1-x", '"10.0.0.1-x" is not a valid address, network, range or hostname'),
        ("2001:db8::1-ff", '"2001:db8::1-ff" is not a valid address, network, range or hostname'),
    ],
)
def test_bad_ranges_name_the_token(token, message):
    error = error_of(f"10.1.1.1, {token}")
    assert str(error) == message
    assert error.token == token
    assert error.field == "hosts"


@pytest.mark.parametrize(
    "token",
    ["10.0.0.300", "10.0.0.0/33", "2001:db8::/129", "10.0.0", "1", "-bad-.com", "under_score", "a..b",
     "bad-.example.com", "fe80::1%eth0", "0x7f000001", "10.0.0.1/24/1", "host/24", "ünicode.de",
     "a" * 64 + ".com", ("a" * 63 + ".") * 4 + "com"],
)
def test_invalid_tokens_are_named(token):
    error = error_of(f"10.0.0.1 {token}")
    assert str(error) == f'"{token}" is not a valid address, network, range or hostname'
    assert error.token == token


def test_error_names_the_first_bad_token_only():
    error = error_of("10.0.0.1, nope_1, nope_2")
    assert error.token == "nope_1"


# --- hostnames -------------------------------------------------------------------------------


def test_hostnames_are_kept_by_name_lower_cased_without_trailing_dot():
    targets = parse_targets("Web.Example.COM, web.example.com., localhost, db-1.internal, 10.0.0.1")
    assert targets.hostnames == ("web.example.com", "localhost", "db-1.internal")
    assert targets.addresses == ("10.0.0.1",)
    assert targets.count == 4


def test_hostname_limits():
    label = "a" * 63
    assert parse_targets(f"{label}.com").hostnames == (f"{label}.com",)
    name = ".".join(["a" * 49] * 5) + ".com"  # 253 characters
    assert len(name) == 253 and parse_targets(name).hostnames == (name,)
    assert parse_targets("xn--bcher-kva.example").hostnames == ("xn--bcher-kva.example",)
    assert parse_targets("3com.com").hostnames == ("3com.com",)


# --- de-duplication and exclusion --------------------------------------------------------------


def test_duplicates_across_cidr_range_and_single_keep_first_position():
    assert addresses("10.0.0.2, 10.0.0.0/30, 10.0.0.1-2, 10.0.0.3") == ["10.0.0.2", "10.0.0.0", "10.0.0.1", "10.0.0.3"]
    assert count_targets("10.0.0.2, 10.0.0.0/30, 10.0.0.1-2, 10.0.0.3") == 4


def test_ipv6_duplicates_in_different_spellings():
    assert addresses("2001:db8::1, 2001:0DB8:0:0::1, 2001:db8::/127") == ["2001:db8::1", "2001:db8::"]


def test_exclusions_use_the_same_syntax():
    assert addresses("10.0.0.0/29", "10.0.0.0, 10.0.0.2-3\n10.0.0.6/31") == ["10.0.0.1", "10.0.0.4", "10.0.0.5"]


def test_excluding_a_whole_block():
    assert parse_targets("10.0.0.0/24", "10.0.0.0/16").count == 0
    assert addresses("10.0.0.0/24, 10.9.0.1", "10.0.0.0/24") == ["10.9.0.1"]
    assert count_targets("10.0.0.0/8", "10.0.0.0/9") == 2**23


def test_exclusions_apply_to_hostnames_by_name():
    targets = parse_targets("a.example, b.example, 10.0.0.1", "A.EXAMPLE.")
    assert targets.hostnames == ("b.example",)
    assert count_targets("a.example, b.example, 10.0.0.1", "a.example") == 2


def test_exclusions_do_not_cross_address_families():
    assert addresses("10.0.0.1, ::ffff:10.0.0.1", "10.0.0.1") == ["::ffff:a00:1"]


def test_bad_exclusion_names_field_and_token():
    error = error_of("10.0.0.1", "10.0.0.1, 10.0.0.999")
    assert error.field == "exclude_hosts"
    assert str(error) == '"10.0.0.999" is not a valid address, network, range or hostname'


def test_target_set_reports_excluded_addresses():
    targets = parse_targets("web.example, 10.0.0.0/24", "10.0.0.128/25, 2001:db8::/64")
    assert targets.is_excluded("10.0.0.200")
    assert targets.is_excluded("2001:db8::1234")
    assert not targets.is_excluded("10.0.0.1")
    assert not targets.is_excluded("not an address")


def _random_token(rng):
    kind = rng.choice(["single", "cidr", "range", "short"])
    first = rng.randrange(0, 64)
    if kind == "single":
        return f"10.0.0.{first}", [first]
    if kind == "cidr":
        prefix = rng.randrange(27, 33)
        network = ipaddress.ip_network(f"10.0.0.{first}/{prefix}", strict=False)
        return str(network), [int(a) - int(ipaddress.IPv4Address("10.0.0.0")) for a in network]
    last = rng.randrange(first, 64)
    if kind == "range":
        return f"10.0.0.{first}-10.0.0.{last}", list(range(first, last + 1))
    return f"10.0.0.{first}-{last}", list(range(first, last + 1))


@pytest.mark.parametrize("seed", range(30))
def test_interval_arithmetic_matches_brute_force(seed):
    rng = random.Random(seed)
    hosts = [_random_token(rng) for _ in range(rng.randrange(1, 8))]
    excludes = [_random_token(rng) for _ in range(rng.randrange(0, 4))]
    excluded = {offset for _, offsets in excludes for offset in offsets}
    expected = list(dict.fromkeys(o for _, offsets in hosts for o in offsets if o not in excluded))
    text, exclude_text = ", ".join(t for t, _ in hosts), "\n".join(t for t, _ in excludes)
    assert addresses(text, exclude_text) == [f"10.0.0.{offset}" for offset in expected]
    assert count_targets(text, exclude_text) == len(expected)


# --- size cap ---------------------------------------------------------------------------------


def test_cap_names_the_token_that_exceeds_it(settings):
    settings.SCAN_MAX_TARGET_ADDRESSES = 65536
    assert parse_targets("10.0.0.0/16").count == 65536
    error = error_of("10.1.0.0/16, 10.0.0.1")
    assert error.token == "10.0.0.1"
    assert str(error) == '"10.0.0.1" takes the target past the limit of 65536 addresses'


@pytest.mark.parametrize("token", ["0.0.0.0/0", "10.0.0.0/7", "::/0", "2001:db8::/64", "0.0.0.0-255.255.255.255"])
def test_huge_blocks_are_refused_without_expanding(token):
    started = time.perf_counter()
    error = error_of(token, max_addresses=1000)
    assert error.token == token
    assert time.perf_counter() - started < 5  # expanding would take minutes and gigabytes


def test_cap_counts_after_exclusion_and_deduplication():
    assert parse_targets("10.0.0.0/23", "10.0.1.0/24", max_addresses=256).count == 256
    assert parse_targets("10.0.0.0/24, 10.0.0.0/24, 10.0.0.7", max_addresses=256).count == 256
    assert parse_targets("a.example, a.example", max_addresses=1).count == 1
    assert error_of("10.0.0.1, a.example", max_addresses=1).token == "a.example"


def test_count_is_not_capped_and_does_not_expand():
    started = time.perf_counter()
    assert count_targets("::/0, 0.0.0.0/0") == 2**128 + 2**32
    assert count_targets(", ".join(["10.0.0.0/16"] * 2000)) == 65536
    assert time.perf_counter() - started < 10  # expanding 2**128 addresses would never finish


def test_many_tokens_parse():
    text = "\n".join(f"10.{i // 256}.{i % 256}.1" for i in range(20000))
    assert parse_targets(text, "10.0.0.1").count == 19999


# --- errors for calculate_hosts -------------------------------------------------------------------


def test_parse_errors_lists_every_bad_token_per_field_and_never_raises():
    errors = parse_errors("10.0.0.1, 10.0.0.300, under_score, 10.0.0.300", "10.0.0.5-1")
    assert errors == {
        "hosts": [
            '"10.0.0.300" is not a valid address, network, range or hostname',
            '"under_score" is not a valid address, network, range or hostname',
        ],
        "exclude_hosts": ['"10.0.0.5-1" is not a valid range: it starts after it ends'],
    }


def test_parse_errors_is_empty_when_parse_targets_succeeds_and_reports_the_cap(settings):
    settings.SCAN_MAX_TARGET_ADDRESSES = 65536
    assert parse_errors("10.0.0.0/24, host.example", "10.0.0.1") == {}
    assert parse_errors("") == {}
    assert parse_errors("10.0.0.0/8") == {"hosts": ['"10.0.0.0/8" takes the target past the limit of 65536 addresses']}

"""Port ranges (`T:1-1024,U:53,161`) and the built-in port lists."""

import pytest

from scanning.port_data import BUILTIN_PORT_LIST_COMMENTS, BUILTIN_PORT_LISTS
from scanning.ports import PortRangeError, PortRanges, parse_port_ranges


def test_protocol_prefixes_switch_until_the_next_one():
    ranges = parse_port_ranges("T:1-1024,8080,U:53,161")
    assert ranges.tcp == ((1, 1024), (8080, 8080))
    assert ranges.udp == ((53, 53), (161, 161))
    assert str(ranges) == "T:1-1024,8080,U:53,161"
    assert ranges.counts == {"all": 1027, "tcp": 1025, "udp": 2}


def test_bare_items_are_tcp():
    ranges = parse_port_ranges("22,80-81")
    assert ranges.tcp_ports() == [22, 80, 81]
    assert ranges.udp_ports() == []
    assert str(ranges) == "T:22,80-81"


def test_protocols_can_come_back_and_any_order():
    ranges = parse_port_ranges("U:161,T:80,U:53,t:22,u:123")
    assert ranges.tcp_ports() == [22, 80]
    assert ranges.udp_ports() == [53, 123, 161]
    assert str(ranges) == "T:22,80,U:53,123,161"


def test_udp_only():
    assert str(parse_port_ranges("U:53")) == "U:53"
    assert parse_port_ranges("U:53").counts == {"all": 1, "tcp": 0, "udp": 1}


def test_whitespace_and_newlines_are_tolerated():
    ranges = parse_port_ranges("  T: 1 - 3 ,\n 5 ,U : 7,\r\n8  ,")
    assert str(ranges) == "T:1-3,5,U:7-8"


def test_overlaps_and_adjacent_ranges_merge():
    assert str(parse_port_ranges("10-20,15-25,26,30,29,1-5,3")) == "T:1-5,10-26,29-30"
    assert str(parse_port_ranges("1-65535,80")) == "T:1-65535"
    assert parse_port_ranges("80,80,80").counts["tcp"] == 1


def test_tcp_and_udp_do_not_merge_with_each_other():
    ranges = parse_port_ranges("T:53,U:53")
    assert ranges.counts == {"all": 2, "tcp": 1, "udp": 1}


def test_bounds():
    assert parse_port_ranges("1,65535").tcp_ports() == [1, 65535]
    assert parse_port_ranges("T:1-65535").counts["tcp"] == 65535


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("0", "0"),
        ("80,65536", "65536"),
        ("T:1-70000", "T:1-70000"),
        ("100-1", "100-1"),
        ("T:22,abc", "abc"),
        ("U:", "U:"),
        ("X:80", "X:80"),
        ("80-", "80-"),
        ("-80", "-80"),
        ("1-2-3", "1-2-3"),
        ("T:80 U:53", "T:80 U:53"),
        (" 1 - 2 - 3 ", "1 - 2 - 3"),
        ("+80", "+80"),
        ("999999", "999999"),
    ],
)
def test_errors_name_the_bad_item(text, item):
    with pytest.raises(PortRangeError) as caught:
        parse_port_ranges(text)
    assert caught.value.item == item
    assert f'"{item}"' in str(caught.value)


def test_range_errors_say_what_is_wrong():
    with pytest.raises(PortRangeError, match='"100-1": the range starts after it ends'):
        parse_port_ranges("100-1")
    with pytest.raises(PortRangeError, match='"0": ports must be between 1 and 65535'):
        parse_port_ranges("0")


@pytest.mark.parametrize("text", ["", "   ", ",", " , \n", None])
def test_empty_is_an_error(text):
    with pytest.raises(PortRangeError, match="must not be empty"):
        parse_port_ranges(text)


def test_from_ports_and_round_trip():
    ranges = PortRanges.from_ports(tcp=[443, 80, 81, 82, 22], udp=[161, 53])
    assert str(ranges) == "T:22,80-82,443,U:53,161"
    assert parse_port_ranges(str(ranges)) == ranges


def test_builtin_lists_parse_to_their_canonical_text():
    assert set(BUILTIN_PORT_LISTS) == {
        "All IANA assigned TCP", "All TCP", "Top 100 TCP", "Top 1000 TCP", "All TCP and Top 100 UDP", "PCI ASV",
    }
    assert set(BUILTIN_PORT_LIST_COMMENTS) == set(BUILTIN_PORT_LISTS)
    for text in BUILTIN_PORT_LISTS.values():
        assert str(parse_port_ranges(text)) == text


def test_builtin_list_sizes():
    counts = {name: parse_port_ranges(text).counts for name, text in BUILTIN_PORT_LISTS.items()}
    assert counts["All TCP"] == {"all": 65535, "tcp": 65535, "udp": 0}
    assert counts["Top 100 TCP"] == {"all": 100, "tcp": 100, "udp": 0}
    assert counts["Top 1000 TCP"] == {"all": 1000, "tcp": 1000, "udp": 0}
    assert counts["All TCP and Top 100 UDP"] == {"all": 65635, "tcp": 65535, "udp": 100}
    assert counts["PCI ASV"]["tcp"] == 65535 and counts["PCI ASV"]["udp"] == 200
    assert 5000 < counts["All IANA assigned TCP"]["tcp"] < 10000


def test_builtin_lists_hold_the_well_known_ports():
    top100 = set(parse_port_ranges(BUILTIN_PORT_LISTS["Top 100 TCP"]).tcp_ports())
    top1000 = set(parse_port_ranges(BUILTIN_PORT_LISTS["Top 1000 TCP"]).tcp_ports())
    iana = set(parse_port_ranges(BUILTIN_PORT_LISTS["All IANA assigned TCP"]).tcp_ports())
    web_mail_remote = {21, 22, 23, 25, 53, 80, 110, 143, 443, 445, 3306, 3389, 5432, 8080}
    assert web_mail_remote <= top100 <= top1000
    assert web_mail_remote <= iana
    udp = set(parse_port_ranges(BUILTIN_PORT_LISTS["All TCP and Top 100 UDP"]).udp_ports())
    assert {53, 123, 161, 500} <= udp
    assert udp <= set(parse_port_ranges(BUILTIN_PORT_LISTS["PCI ASV"]).udp_ports())

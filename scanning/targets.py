"""Target parsing: the `hosts` and `exclude_hosts` of a target into addresses and hostnames.

Tokens are separated by commas, semicolons or whitespace. A token is an IPv4/IPv6 address, a
CIDR block (every address counts, network and broadcast included, as Greenbone counts them), a
full range (``10.0.0.1-10.0.0.50``, ``2001:db8::1-2001:db8::ff``), a short IPv4 range on the last
octet (``10.0.0.1-50``) or an RFC 1123 hostname (kept by name, resolved at scan time).
Exclusions use the same syntax. Everything is done on integer intervals, so huge blocks are
counted, excluded and checked against blocked networks without being expanded; only the final,
capped result is materialised.
"""

from __future__ import annotations

import bisect
import ipaddress
import math
import re
import socket
from dataclasses import dataclass, field

from scanning.networks import (
    Intervals,
    address_key,
    blocked_intervals,
    blocked_networks_for,
    blocked_networks_from_setting,
    default_blocked_networks,
    key_to_text,
    resolve_hostnames,
)

__all__ = [
    "TargetError",
    "TargetSet",
    "blocked_networks_for",
    "blocked_networks_from_setting",
    "count_targets",
    "default_blocked_networks",
    "parse_errors",
    "parse_targets",
    "resolve_hostnames",
]

DEFAULT_MAX_ADDRESSES = 65536

_SEPARATORS = re.compile(r"[\s,;]+")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class TargetError(ValueError):
    """A token that cannot be scanned. ``str(error)`` names it; ``field`` is ``hosts`` or
    ``exclude_hosts``; ``tokens`` lists every offending token (several for blocked networks)."""

    def __init__(self, token: str, message: str | None = None, *, field: str = "hosts", tokens=None):
        self.token = token
        self.tokens = tuple(tokens) if tokens else (token,)
        self.field = field
        self.message = message or f'"{token}" is not a valid address, network, range or hostname'
        super().__init__(self.message)


@dataclass(frozen=True)
class TargetSet:
    addresses: tuple[str, ...] = ()  # expanded, excluded, de-duplicated; input order
    hostnames: tuple[str, ...] = ()  # lower-cased, without trailing dot, de-duplicated
    exclusions: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)

    @property
    def count(self) -> int:
        return len(self.addresses) + len(self.hostnames)

    def is_excluded(self, address: str) -> bool:
        """Is this address (e.g. a hostname's resolved address) excluded by `exclude_hosts`?"""
        try:
            key = address_key(ipaddress.ip_address(address))
        except ValueError:
            return False
        index = bisect.bisect_right(self.exclusions, (key, math.inf)) - 1
        return index >= 0 and self.exclusions[index][0] <= key <= self.exclusions[index][1]


@dataclass(frozen=True)
class _Span:
    token: str
    first: int  # address keys (see scanning.networks.address_key), inclusive
    last: int


def parse_targets(hosts: str, exclude_hosts: str = "", *, blocked_networks=None, max_addresses=None) -> TargetSet:
    """Expand `hosts` less `exclude_hosts`. Raises TargetError naming the first bad token, the
    token that takes the target past `max_addresses` (default: SCAN_MAX_TARGET_ADDRESSES), or
    every token reaching into `blocked_networks` (None: nothing is blocked)."""
    cap = _max_addresses() if max_addresses is None else max_addresses
    spans, names = _parse_field(hosts, "hosts")
    excluded, excluded_names = _exclusions(exclude_hosts)
    new_parts, total = _union(spans, excluded, cap)
    hostnames = _kept_hostnames(names, excluded_names, total, cap)
    if blocked_networks:
        _check_blocked(new_parts, blocked_intervals(blocked_networks))
    addresses = tuple(
        key_to_text(key) for _, parts in new_parts for first, last in parts for key in range(first, last + 1)
    )
    return TargetSet(addresses, tuple(hostnames), tuple(zip(excluded.starts, excluded.ends, strict=True)))


def count_targets(hosts: str, exclude_hosts: str = "") -> int:
    """How many addresses and hostnames `hosts` less `exclude_hosts` names, without expanding."""
    return _count(hosts, exclude_hosts, None)


def parse_errors(hosts: str, exclude_hosts: str = "") -> dict[str, list[str]]:
    """Every problem of both fields, for `calculate_hosts`; only fields with errors appear, so
    an empty dict means `parse_targets(hosts, exclude_hosts)` (no blocked networks) succeeds."""
    errors: dict[str, list[str]] = {}
    for field_name, text in (("hosts", hosts), ("exclude_hosts", exclude_hosts)):
        for token in _tokens(text):
            try:
                _parse_token(token, field_name)
            except TargetError as exc:
                errors.setdefault(field_name, []).append(exc.message)
    if not errors:
        try:
            _count(hosts, exclude_hosts, _max_addresses())
        except TargetError as exc:
            errors[exc.field] = [exc.message]
    return {name: list(dict.fromkeys(messages)) for name, messages in errors.items()}


# --- parsing -------------------------------------------------------------------------------


def _tokens(text) -> list[str]:
    return [token for token in _SEPARATORS.split(text or "") if token]


def _parse_field(text, field_name) -> tuple[list[_Span], list[str]]:
    spans, names = [], []
    for token in _tokens(text):
        parsed = _parse_token(token, field_name)
        (spans if isinstance(parsed, _Span) else names).append(parsed)
    return spans, names


def _exclusions(text) -> tuple[Intervals, set[str]]:
    spans, names = _parse_field(text, "exclude_hosts")
    excluded = Intervals()
    for span in spans:
        excluded.add(span.first, span.last)
    return excluded, set(names)


def _parse_token(token: str, field_name: str) -> _Span | str:
    if "/" in token:
        return _network(token, field_name)
    if "-" in token:
        left, _, right = token.partition("-")
        start = _address(left)
        if start is not None:
            return _range(token, start, right, field_name)
    address = _address(token)
    if address is not None:
        key = address_key(address)
        return _Span(token, key, key)
    name = _hostname(token)
    if name is None:
        raise TargetError(token, field=field_name)
    return name


def _address(text: str):
    try:  # dotted quads, the common case, through the C parser (strict: no leading zeros)
        return ipaddress.IPv4Address(socket.inet_pton(socket.AF_INET, text))
    except OSError:
        pass
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None  # "fe80::1%eth0": a zone only means something on one machine
    return address


def _network(token: str, field_name: str) -> _Span:
    try:
        network = ipaddress.ip_network(token, strict=False)  # host bits allowed, as Greenbone does
    except ValueError:
        raise TargetError(token, field=field_name)
    if "%" in token:
        raise TargetError(token, field=field_name)
    return _Span(token, address_key(network.network_address), address_key(network.broadcast_address))


def _range(token: str, start, right: str, field_name: str) -> _Span:
    end = _address(right)
    if end is None:
        if start.version != 4 or not right.isdigit() or len(right) > 3 or int(right) > 255:
            raise TargetError(token, field=field_name)
        end = ipaddress.IPv4Address((int(start) & ~0xFF) | int(right))  # short form: last octet
    if end.version != start.version:
        raise TargetError(token, f'"{token}" is not a valid range: it mixes IPv4 and IPv6', field=field_name)
    if int(end) < int(start):
        raise TargetError(token, f'"{token}" is not a valid range: it starts after it ends', field=field_name)
    return _Span(token, address_key(start), address_key(end))


def _hostname(token: str) -> str | None:
    name = token.lower()
    if name.endswith("."):
        name = name[:-1]  # the fully qualified form names the same host
    if not name or len(name) > 253:
        return None
    labels = name.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return None  # an all-numeric last label is a mistyped address ("10.0.0.300"), not a name
    try:
        socket.inet_aton(name)  # legacy IPv4 spellings ("0x7f000001") resolve to addresses
    except OSError:
        return name
    return None


# --- counting ------------------------------------------------------------------------------


def _count(hosts, exclude_hosts, cap) -> int:
    spans, names = _parse_field(hosts, "hosts")
    excluded, excluded_names = _exclusions(exclude_hosts)
    _, total = _union(spans, excluded, cap)
    return total + len(_kept_hostnames(names, excluded_names, total, cap))


def _kept_hostnames(names, excluded_names, total, cap) -> list[str]:
    """De-duplicated, not excluded hostnames; each counts as one address against `cap`."""
    kept = [name for name in dict.fromkeys(names) if name not in excluded_names]
    if cap is not None and total + len(kept) > cap:
        name = kept[cap - total]
        raise TargetError(name, _too_large(name, cap))
    return kept


# --- interval arithmetic -------------------------------------------------------------------


def _union(spans, excluded: Intervals, cap):
    """[(span, newly covered parts)] in input order and the total; TargetError past `cap`."""
    covered = Intervals()
    total = 0
    new_parts = []
    for span in spans:
        parts = []
        for first, last in excluded.missing(span.first, span.last):
            parts.extend(covered.add(first, last))
        total += sum(last - first + 1 for first, last in parts)
        if cap is not None and total > cap:
            raise TargetError(span.token, _too_large(span.token, cap))
        new_parts.append((span, parts))
    return new_parts, total


def _check_blocked(new_parts, blocked: Intervals) -> None:
    hits = []
    for span, parts in new_parts:
        if any(blocked.missing(first, last) != [(first, last)] for first, last in parts):
            hits.append(span.token)
    hits = list(dict.fromkeys(hits))
    if len(hits) == 1:
        raise TargetError(hits[0], f'"{hits[0]}" is in a blocked network and may not be scanned')
    if hits:
        named = ", ".join(f'"{token}"' for token in hits)
        raise TargetError(hits[0], f"{named} are in blocked networks and may not be scanned", tokens=hits)


def _too_large(token: str, cap: int) -> str:
    return f'"{token}" takes the target past the limit of {cap} addresses'


def _max_addresses() -> int:
    from django.conf import settings

    if not settings.configured:
        return DEFAULT_MAX_ADDRESSES
    return int(getattr(settings, "SCAN_MAX_TARGET_ADDRESSES", DEFAULT_MAX_ADDRESSES))

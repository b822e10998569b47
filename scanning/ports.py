"""Port ranges in the Greenbone notation: ``T:1-1024,8080,U:53,161``.

A ``T:`` or ``U:`` prefix switches the protocol for the items after it until the next prefix;
bare items before any prefix are TCP. Items are single ports or ``first-last`` ranges within
1-65535, separated by commas (or newlines); whitespace is ignored. Overlapping and adjacent
ranges are merged, so every list has one canonical text (``str(PortRanges)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MIN_PORT = 1
MAX_PORT = 65535

Range = tuple[int, int]

_ITEM = re.compile(r"^(?:(?P<proto>[TU]):)?(?P<ports>.*)$", re.IGNORECASE)
_RANGE = re.compile(r"^(?P<first>\d{1,5})(?:-(?P<last>\d{1,5}))?$")


class PortRangeError(ValueError):
    """Invalid port range text; ``item`` is the offending item ("" when the text is empty)."""

    def __init__(self, message: str, item: str = ""):
        super().__init__(message)
        self.message = message
        self.item = item


@dataclass(frozen=True)
class PortRanges:
    """Merged, sorted, non-overlapping inclusive ranges per protocol."""

    tcp: tuple[Range, ...] = ()
    udp: tuple[Range, ...] = ()

    @classmethod
    def from_ports(cls, tcp: Iterable[int] = (), udp: Iterable[int] = ()) -> PortRanges:
        """Build from individual port numbers (any order, duplicates allowed)."""
        return cls(tcp=merge_ranges((p, p) for p in tcp), udp=merge_ranges((p, p) for p in udp))

    def tcp_ports(self) -> list[int]:
        return _expand(self.tcp)

    def udp_ports(self) -> list[int]:
        return _expand(self.udp)

    @property
    def counts(self) -> dict[str, int]:
        tcp = _size(self.tcp)
        udp = _size(self.udp)
        return {"all": tcp + udp, "tcp": tcp, "udp": udp}

    def __str__(self) -> str:
        parts = []
        if self.tcp:
            parts.append("T:" + _format(self.tcp))
        if self.udp:
            parts.append("U:" + _format(self.udp))
        return ",".join(parts)


def parse_port_ranges(text: str) -> PortRanges:
    """Parse ``text`` into :class:`PortRanges`; raise :class:`PortRangeError` naming the bad item."""
    if text is None or not str(text).strip():
        raise PortRangeError("Port ranges must not be empty.")
    found: dict[str, list[Range]] = {"T": [], "U": []}
    protocol = "T"
    for raw in re.split(r"[,\n\r]", str(text)):
        item = raw.strip()  # named in errors as the user wrote it
        if not item:
            continue  # tolerate a trailing or doubled comma
        match = _ITEM.match(re.sub(r"\s+", "", item))
        if match["proto"]:
            protocol = match["proto"].upper()
        found[protocol].append(_parse_range(match["ports"], item))
    if not found["T"] and not found["U"]:
        raise PortRangeError("Port ranges must not be empty.")
    return PortRanges(tcp=merge_ranges(found["T"]), udp=merge_ranges(found["U"]))


def merge_ranges(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sort ranges and merge the overlapping and adjacent ones."""
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple((first, last) for first, last in merged)


def _parse_range(ports: str, item: str) -> Range:
    match = _RANGE.match(ports)
    if not match:
        raise PortRangeError(f'"{item}" is not a valid port or port range.', item)
    first = int(match["first"])
    last = int(match["last"]) if match["last"] is not None else first
    for port in (first, last):
        if not MIN_PORT <= port <= MAX_PORT:
            raise PortRangeError(f'"{item}": ports must be between {MIN_PORT} and {MAX_PORT}.', item)
    if first > last:
        raise PortRangeError(f'"{item}": the range starts after it ends.', item)
    return first, last


def _expand(ranges: tuple[Range, ...]) -> list[int]:
    return [port for first, last in ranges for port in range(first, last + 1)]


def _size(ranges: tuple[Range, ...]) -> int:
    return sum(last - first + 1 for first, last in ranges)


def _format(ranges: tuple[Range, ...]) -> str:
    return ",".join(str(first) if first == last else f"{first}-{last}" for first, last in ranges)

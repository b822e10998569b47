"""Address arithmetic, blocked networks and scan-time name resolution (used by targets.py).

Addresses are handled as integer keys in one space: IPv4 as its 32-bit value, IPv6 as its
128-bit value plus 2**32, so both families share one sorted interval set.
"""

from __future__ import annotations

import bisect
import functools
import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor, as_completed

V6_OFFSET = 1 << 32
_MAPPED = 0xFFFF << 32  # ::ffff:0:0/96, IPv4-mapped IPv6 addresses reach the IPv4 host

# Never scanned unless SCAN_BLOCKED_NETWORKS says otherwise. The unspecified addresses are here
# because connecting to 0.0.0.0 or :: reaches the local machine.
STATIC_BLOCKED_NETWORKS = (
    "127.0.0.0/8", "::1/128",  # loopback
    "0.0.0.0/8", "::/128",  # "this host"
    "169.254.0.0/16", "fe80::/10",  # link-local
    "169.254.169.254/32", "fd00:ec2::254/128",  # cloud metadata (AWS, GCP, Azure, OpenStack; AWS IPv6)
    "100.100.100.200/32", "168.63.129.16/32",  # cloud metadata (Alibaba), Azure platform endpoint
)  # fmt: skip
# Never scanned, whatever SCAN_BLOCKED_NETWORKS or an organization's allowance says (the
# addresses events.services.ssrf refuses for webhooks and scanner hosts).
METADATA_NETWORKS = tuple(
    ipaddress.ip_network(text) for text in ("169.254.169.254/32", "fd00:ec2::254/128", "100.100.100.200/32")
)


class Intervals:
    """A sorted set of disjoint inclusive integer intervals."""

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []

    def missing(self, first: int, last: int) -> list[tuple[int, int]]:
        """The parts of [first, last] that this set does not cover, ascending."""
        parts = []
        cursor = first
        index = bisect.bisect_left(self.ends, first)  # first interval ending at or after `first`
        while index < len(self.starts) and self.starts[index] <= last:
            if self.starts[index] > cursor:
                parts.append((cursor, self.starts[index] - 1))
            cursor = max(cursor, self.ends[index] + 1)
            index += 1
        if cursor <= last:
            parts.append((cursor, last))
        return parts

    def add(self, first: int, last: int) -> list[tuple[int, int]]:
        """Cover [first, last]; returns the parts that were not covered before."""
        new = self.missing(first, last)
        if new:
            low = bisect.bisect_left(self.ends, first - 1)  # touching intervals merge too
            high = bisect.bisect_right(self.starts, last + 1)
            if low < high:
                first, last = min(first, self.starts[low]), max(last, self.ends[high - 1])
            self.starts[low:high] = [first]
            self.ends[low:high] = [last]
        return new

    def __contains__(self, key: int) -> bool:
        return not self.missing(key, key)


def address_key(address) -> int:
    return int(address) if address.version == 4 else int(address) + V6_OFFSET


def key_to_text(key: int) -> str:
    """The address of a key as text (str of its ipaddress object), several times faster: the C formatters where they agree with
    ipaddress (inet_ntop writes addresses whose first 80 bits are zero in dotted form)."""
    if key < V6_OFFSET:
        return socket.inet_ntoa(key.to_bytes(4, "big"))
    value = key - V6_OFFSET
    if value >> 48:
        return socket.inet_ntop(socket.AF_INET6, value.to_bytes(16, "big"))
    return str(ipaddress.IPv6Address(value))


def blocked_intervals(networks) -> Intervals:
    """The networks as intervals, each IPv4 block also in its IPv4-mapped IPv6 form (and back)."""
    blocked = Intervals()
    for network in networks:
        network = ipaddress.ip_network(network, strict=False)
        first, last = int(network.network_address), int(network.broadcast_address)
        if network.version == 4:
            blocked.add(first, last)
            blocked.add(V6_OFFSET + _MAPPED + first, V6_OFFSET + _MAPPED + last)
            continue
        blocked.add(V6_OFFSET + first, V6_OFFSET + last)
        low, high = max(first, _MAPPED), min(last, _MAPPED + 0xFFFFFFFF)
        if low <= high:
            blocked.add(low - _MAPPED, high - _MAPPED)
    return blocked


def blocked_networks_from_setting() -> list:
    """settings.SCAN_BLOCKED_NETWORKS as networks. None (unset): the defaults; "" blocks nothing;
    otherwise comma-separated CIDRs, where the word ``default`` stands for the defaults."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    value = getattr(settings, "SCAN_BLOCKED_NETWORKS", None)
    if value is None:
        return list(default_blocked_networks())
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = []
    for item in items:
        text = str(item).strip()
        if text.lower() == "default":
            networks.extend(default_blocked_networks())
        elif text:
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                raise ImproperlyConfigured(f'SCAN_BLOCKED_NETWORKS: "{text}" is not an IP network')
    return networks


def blocked_networks_for(organization=None) -> list:
    """What `organization` may never scan: the setting's blocked networks less the networks
    staff allowed it (Organization.scan_allowed_networks), plus the cloud metadata addresses,
    which are blocked whatever the setting or the allowance says."""
    from organizations.scan_allowance import parse_allowance

    blocked = blocked_networks_from_setting()
    text = getattr(organization, "scan_allowed_networks", "") if organization is not None else ""
    if text:
        try:
            blocked = subtract_networks(blocked, parse_allowance(text))
        except ValueError:
            pass  # an allowance that no longer parses allows nothing (it is validated when saved)
    return blocked + [network for network in METADATA_NETWORKS if not _covered(network, blocked)]


def subtract_networks(networks, removed) -> list:
    """`networks` without the addresses of `removed` (both lists of ip_network)."""
    result = list(networks)
    for cut in removed:
        remaining = []
        for network in result:
            if network.version != cut.version or not network.overlaps(cut):
                remaining.append(network)
            elif not cut.supernet_of(network):  # CIDRs overlap only by containment: network ⊃ cut
                remaining.extend(network.address_exclude(cut))
        result = remaining
    return result


def _covered(network, networks) -> bool:
    return any(n.version == network.version and n.supernet_of(network) for n in networks)


@functools.cache
def default_blocked_networks() -> tuple:
    """Loopback, "this host", link-local and metadata networks plus the platform's own
    addresses, discovered once per process."""
    networks = [ipaddress.ip_network(text) for text in STATIC_BLOCKED_NETWORKS]
    static = blocked_intervals(networks)
    for address in sorted(own_addresses(), key=address_key):
        if address_key(address) not in static:
            networks.append(ipaddress.ip_network(address))
    return tuple(networks)


def own_addresses() -> set:
    """This machine's addresses, as far as they are cheap to find (no packets are sent)."""
    found = set()
    hostname = socket.gethostname()
    try:
        found.update(info[4][0] for info in socket.getaddrinfo(hostname, None, proto=socket.IPPROTO_TCP))
    except (OSError, UnicodeError):
        pass
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:  # the source address of the default route; connect() on UDP sends nothing
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                found.add(sock.getsockname()[0])
        except OSError:
            pass
    found.update(_proc_addresses())
    return {address for address in map(_clean_address, found) if address is not None}


def _proc_addresses() -> set[str]:
    """Every local address Linux knows: IPv4 from the LOCAL routes, IPv6 from if_inet6."""
    found = set()
    try:
        last = None
        with open("/proc/net/fib_trie") as lines:
            for line in lines:
                if line.strip().startswith("|--"):
                    last = line.split()[-1]
                elif "/32 host LOCAL" in line and last:
                    found.add(last)
    except OSError:
        pass
    try:
        with open("/proc/net/if_inet6") as lines:
            for line in lines:
                digits = line.split()[0]
                found.add(":".join(digits[i : i + 4] for i in range(0, 32, 4)))
    except (OSError, IndexError):
        pass
    return found


def _clean_address(text: str):
    try:
        return ipaddress.ip_address(str(text).split("%", 1)[0])
    except ValueError:
        return None


def resolve_hostnames(hostnames, *, blocked_networks=None, timeout: float = 5.0) -> dict[str, list[str]]:
    """Scan-time DNS: {hostname: [addresses]} in resolver order, blocked addresses dropped. Names
    that fail, or are still unresolved after `timeout` seconds in total, map to []."""
    names = list(dict.fromkeys(hostnames))
    resolved: dict[str, list[str]] = {name: [] for name in names}
    if not names:
        return resolved
    blocked = blocked_intervals(blocked_networks or ())
    pool = ThreadPoolExecutor(max_workers=min(16, len(names)), thread_name_prefix="resolve")
    futures = {pool.submit(_lookup, name): name for name in names}
    try:
        for future in as_completed(futures, timeout=timeout):
            resolved[futures[future]] = [str(a) for a in future.result() if address_key(a) not in blocked]
    except TimeoutError:
        pass  # whatever has not answered by now is treated as unresolvable
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return resolved


def _lookup(name: str) -> list:
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    addresses = (_clean_address(info[4][0]) for info in infos)
    return list(dict.fromkeys(address for address in addresses if address is not None))

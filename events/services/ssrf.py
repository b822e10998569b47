"""The one network guard for connections the platform makes on a tenant's behalf (events.md):
webhook URLs and scanner hosts (docs/scanning.md). A host must resolve only to public
addresses. Loopback, private, link-local, multicast and reserved addresses are refused unless
private targets are allowed for that kind of connection (WEBHOOK_ALLOW_PRIVATE_TARGETS,
SCANNER_ALLOW_PRIVATE_HOSTS: self-hosted installs, tests), and then only private and loopback
ones; cloud metadata addresses are refused whatever the settings. Checked when the webhook or
scanner is saved and again at every connection, against the addresses the connection then
actually uses (DNS rebinding): callers connect to an address this module returned."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
            ipaddress.ip_address("100.100.100.200")}


class UnsafeTarget(Exception):
    """The URL may not receive webhooks; the message says why."""


def parse(url):
    """(scheme, host, port) of an acceptable URL, or UnsafeTarget."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget("is not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("must be an http or https URL")
    if not parts.hostname:
        raise UnsafeTarget("must name a host")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def check_address(address, *, allow_private=None):
    """Refuse one resolved address (an ipaddress object) when it is not a permitted target.
    `allow_private` None: WEBHOOK_ALLOW_PRIVATE_TARGETS decides."""
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if address in METADATA:
        raise UnsafeTarget(f"resolves to {address}, a cloud metadata address, which is never allowed")
    if address.is_link_local:
        raise UnsafeTarget(f"resolves to {address}, a link-local address")
    if address.is_multicast or address.is_unspecified or (address.is_reserved and not address.is_private):
        raise UnsafeTarget(f"resolves to {address}, which is not a routable address")
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS if allow_private is None else allow_private:
        return
    if address.is_loopback:
        raise UnsafeTarget(f"resolves to {address}, a loopback address")
    if address.is_private or not address.is_global:
        raise UnsafeTarget(f"resolves to {address}, a private address")


def resolve(host, port):
    """The addresses `host` resolves to (a literal address resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise LookupError(f"could not be resolved ({error})") from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_url(url, *, require_resolution=False):
    """Validate a webhook URL; returns the addresses to connect to ([] when the name does not
    resolve and `require_resolution` is false: a webhook may be saved before its DNS exists,
    every delivery checks again)."""
    _scheme, host, port = parse(url)
    return check_host(host, port, require_resolution=require_resolution)


def check_host(host, port, *, allow_private=None, require_resolution=False):
    """Validate a host name or address (every address it resolves to); returns the addresses to
    connect to ([] when it does not resolve and `require_resolution` is false)."""
    try:
        addresses = resolve(host, port)
    except LookupError as error:
        if require_resolution:
            raise UnsafeTarget(str(error)) from None
        return []
    for address in addresses:
        check_address(address, allow_private=allow_private)
    return addresses

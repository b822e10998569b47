"""Port lists and scanners of an organization (built-in ones are read-only)."""

import re

from django.db import transaction

from config.api.errors import Forbidden, InvalidInput
from scanning.models import PortList, Scanner
from scanning.ports import PortRangeError, parse_port_ranges

from .common import emit_after_commit

HOST_NAME = re.compile(r"[A-Za-z0-9._-]{1,253}|\[?[0-9A-Fa-f:.]{2,45}\]?")


def parsed_ports(text):
    try:
        return parse_port_ranges(text or "")
    except PortRangeError as exc:
        raise InvalidInput.field("port_ranges", str(exc)) from None


def _check_editable(resource, kind):
    if resource.predefined:
        raise Forbidden(f"Built-in {kind}s are read-only")


@transaction.atomic
def save_port_list(actor, fields, port_list=None):
    if port_list is not None:
        _check_editable(port_list, "port list")
    port_list = port_list or PortList(organization=actor.organization, created_by=actor)
    if "port_ranges" in fields:
        ranges = parsed_ports(fields["port_ranges"])
        fields = {**fields, "port_ranges": str(ranges), "tcp_count": ranges.counts["tcp"], "udp_count": ranges.counts["udp"]}
    for name, value in fields.items():
        setattr(port_list, name, value)
    port_list.save()
    emit_after_commit("port_list_saved", port_list, actor)
    return port_list


@transaction.atomic
def delete_port_list(actor, port_list):
    _check_editable(port_list, "port list")
    if port_list.targets.exists():
        raise InvalidInput.field("id", "is used by targets; change them first")
    port_list.delete()


@transaction.atomic
def save_scanner(actor, fields, scanner=None):
    if scanner is not None:
        _check_editable(scanner, "scanner")
    credential = fields.pop("credential", None)
    scanner = scanner or Scanner(organization=actor.organization, created_by=actor)
    for name, value in fields.items():
        setattr(scanner, name, value)
    if scanner.type == "gvm" and not scanner.host:
        raise InvalidInput.field("host", "is required for gvm scanners")
    if scanner.type == "gvm" and ({"host", "port", "type"} & set(fields)):
        check_scanner_host(scanner.host, scanner.port or 9390)  # again at every connection
    if credential is not None:
        from config.crypto import encrypt

        scanner.credential_encrypted = encrypt(credential) if credential else ""
    scanner.save()
    emit_after_commit("scanner_saved", scanner, actor)
    return scanner


@transaction.atomic
def delete_scanner(actor, scanner):
    _check_editable(scanner, "scanner")
    if scanner.scans.exists():
        raise InvalidInput.field("id", "is used by scans; change them first")
    scanner.delete()


# The API's create / update / delete (the admin calls save_* and delete_* directly).
def create_port_list(actor, fields):
    return save_port_list(actor, fields)


def update_port_list(actor, port_list, fields):
    return save_port_list(actor, fields, port_list)


def delete_port_lists(actor, port_lists):
    for port_list in port_lists:
        delete_port_list(actor, port_list)


def create_scanner(actor, fields):
    return save_scanner(actor, fields)


def update_scanner(actor, scanner, fields):
    return save_scanner(actor, fields, scanner)


def delete_scanners(actor, scanners):
    for scanner in scanners:
        delete_scanner(actor, scanner)


def verify_scanner(scanner):
    """Is the scanner there? The built-in one is whenever a worker can run; a gvm scanner when
    it answers GMP's get_version over TLS, at an address the network guard allows. Answers
    {"online", "version"} and, when offline, the `reason`."""
    from django.utils import timezone

    from scanning.version import ENGINE_VERSION

    reason = None
    if scanner.type == "builtin":
        online, version = True, ENGINE_VERSION
    else:
        version, reason = _gvm_version(scanner)
        online = version is not None
        version = version or scanner.version
    scanner.status = "online" if online else "offline"
    scanner.version = version or ""
    if online:
        scanner.last_seen_at = timezone.now()
    scanner.save(update_fields=["status", "version", "last_seen_at", "updated_at"])
    answer = {"online": online, "version": scanner.version or None}
    if reason:
        answer["reason"] = reason
    return answer


def _gvm_version(scanner):
    """(version, None) or (None, reason). The host is resolved and checked again now (DNS
    rebinding), and the connection goes to the checked address."""
    from scanning import gmp

    port = scanner.port or gmp.GMP_PORT
    try:
        addresses = check_scanner_host(scanner.host, port, require_resolution=True)
    except InvalidInput as error:
        return None, f"refused: the host {error.errors['host'][0]}"
    try:
        return gmp.get_version(addresses[0], port, server_name=scanner.host, ca_pem=scanner.ca_pub), None
    except gmp.GmpError as error:
        return None, str(error)


def check_scanner_host(host, port, *, require_resolution=False):
    """The addresses of a scanner host the network guard allows (events.services.ssrf, the
    webhooks' guard, with SCANNER_ALLOW_PRIVATE_HOSTS); 422 naming `host` otherwise."""
    from django.conf import settings

    from events.services import ssrf

    if not HOST_NAME.fullmatch(host or ""):
        raise InvalidInput.field("host", "must be a host name or an IP address")
    try:
        return ssrf.check_host(host, port, allow_private=settings.SCANNER_ALLOW_PRIVATE_HOSTS,
                               require_resolution=require_resolution)
    except ssrf.UnsafeTarget as error:
        raise InvalidInput.field("host", str(error)) from None

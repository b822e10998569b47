"""Port lists and scanners of an organization (built-in ones are read-only)."""

from django.db import transaction

from config.api.errors import Forbidden, InvalidInput
from scanning.models import PortList, Scanner
from scanning.ports import PortRangeError, parse_port_ranges

from .common import emit_after_commit


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


def verify_scanner(scanner):
    """Is the scanner reachable? The built-in one is whenever a worker can run; gvm over TCP."""
    import socket

    from django.utils import timezone

    from scanning.version import ENGINE_VERSION

    if scanner.type == "builtin":
        online, version = True, ENGINE_VERSION
    else:
        try:
            with socket.create_connection((scanner.host, scanner.port or 9390), timeout=5):
                online, version = True, scanner.version
        except OSError:
            online, version = False, scanner.version
    scanner.status = "online" if online else "offline"
    scanner.version = version or ""
    if online:
        scanner.last_seen_at = timezone.now()
    scanner.save(update_fields=["status", "version", "last_seen_at", "updated_at"])
    return {"online": online, "version": scanner.version or None}

"""Validation of an exception's fields, for every caller of the exceptions service (API, admin,
commands): a wrong field is an InvalidInput (422) naming it. Values already normalised by the
API's input serializer pass through unchanged."""

import ipaddress
import math
import re
import uuid
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from config.api.errors import InvalidInput

PORT = re.compile(r"^(?:(general)|(\d{1,5}))(?:/(tcp|udp))?$")
MAX_HOSTS = 10000
FIELDS = ("text", "nvt", "hosts", "port", "scan", "new_severity", "end_time", "active")


def clean_fields(organization, product, data, creating):
    """The model fields `data` sets, validated; `task` is the deprecated alias of `scan`."""
    data = dict(data)
    if "task" in data and "scan" not in data:
        data["scan"] = data.pop("task")
    data.pop("task", None)
    unknown = set(data) - set(FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput.field(name, "is not a field of an exception")
    if creating:
        for name in ("text", "nvt"):
            data.setdefault(name, "")
    cleaners = {"text": clean_text, "nvt": clean_nvt, "hosts": clean_hosts, "port": clean_port,
                "new_severity": clean_severity, "end_time": clean_end_time, "active": clean_active,
                "scan": lambda value: clean_scan(organization, product, value)}
    return {name: cleaners[name](value) for name, value in data.items()}


def clean_text(value):
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.field("text", "is required")
    if len(value) > 10000:
        raise InvalidInput.field("text", "is longer than 10000 characters")
    return value


def clean_nvt(value):
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.field("nvt", "is required")
    if len(value.strip()) > 128:
        raise InvalidInput.field("nvt", "is longer than 128 characters")
    return value.strip()


def clean_hosts(value):
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise InvalidInput.field("hosts", "must be IP addresses, as a list or separated by commas")
    addresses = []
    for item in value:
        try:
            address = str(ipaddress.ip_address(item.strip()))
        except ValueError:
            raise InvalidInput.field("hosts", f"{item!r} is not an IP address") from None
        if address not in addresses:
            addresses.append(address)
    if len(addresses) > MAX_HOSTS:
        raise InvalidInput.field("hosts", f"may name at most {MAX_HOSTS} addresses")
    return addresses


def clean_port(value):
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidInput.field("port", "must be a port like 443/tcp or general/tcp")
    text = str(value).strip().lower()
    if not text:
        return ""
    match = PORT.match(text)
    if not match or (match.group(2) and not 0 < int(match.group(2)) < 65536):
        raise InvalidInput.field("port", "must be a port like 443/tcp or general/tcp")
    return f"{match.group(2) or 'general'}/{match.group(3) or 'tcp'}"


def clean_severity(value):
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput.field("new_severity", "must be a number") from None
    if not math.isfinite(number) or not (number == -1 or 0.0 <= number <= 10.0):
        raise InvalidInput.field("new_severity", "must be -1 (false positive) or from 0.0 to 10.0")
    return round(number, 1)


def clean_end_time(value):
    if value in (None, ""):
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        raise InvalidInput.field("end_time", "must be a date and time (ISO 8601)")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def clean_active(value):
    if not isinstance(value, bool):
        raise InvalidInput.field("active", "must be true or false")
    return value


def clean_scan(organization, product, value):
    """A scan of the same organization and product (a foreign or unknown one is not found)."""
    from scanning.models import Scan

    if value in (None, ""):
        return None
    scan_id = getattr(value, "pk", value)
    try:
        scan_id = uuid.UUID(str(scan_id))
    except ValueError:
        raise InvalidInput.field("scan", "is not a scan id") from None
    scan = Scan.objects.filter(pk=scan_id, organization=organization, product=product).first()
    if scan is None:
        raise InvalidInput.field("scan", "was not found")
    return scan

"""Turning field values into what an audit record stores: JSON-safe, short, secrets masked."""

import re
import uuid
from datetime import date, datetime
from decimal import Decimal

from config.api.timestamps import iso_timestamp

MASK = "[FILTERED]"
SECRET_NAME = re.compile(
    r"pass(word)?|secret|token|api_?key|hash|credential|private_key|otp_attempt|recovery|signature|"
    r"authorization|cookie|session_state|^key$",
    re.IGNORECASE,
)
IGNORED_FIELDS = {"updated_at", "created_at", "last_login", "modification_time"}
MAX_TEXT = 500


def is_secret(name):
    return bool(SECRET_NAME.search(str(name)))


def plain(value):
    """A JSON-safe, bounded rendering of a field value."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return iso_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return "<binary>"
    if isinstance(value, dict):
        return {str(k): MASK if is_secret(k) else plain(v) for k, v in list(value.items())[:50]}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in list(value)[:50]]
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return str(value.pk)
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def masked(name, value):
    return MASK if is_secret(name) and value not in (None, "") else plain(value)


def diff(before, after):
    """{field: [old, new]} for the fields that differ between two {field: value} snapshots."""
    changes = {}
    for name, new in after.items():
        if name in IGNORED_FIELDS:
            continue
        old = before.get(name) if before is not None else None
        if old != new:
            changes[name] = [masked(name, old), masked(name, new)]
    return changes


def created(after):
    """{field: [None, value]} for the non-empty fields of a new record."""
    return {
        name: [None, masked(name, value)]
        for name, value in after.items()
        if name not in IGNORED_FIELDS and value not in (None, "", [], {}) and name != "id"
    }


def snapshot(instance):
    """{attname: value} of a model instance's concrete fields (no query)."""
    return {f.attname: getattr(instance, f.attname, None) for f in instance._meta.concrete_fields}


def describe(values):
    """A short human name for a record from its snapshot."""
    for key in ("name", "username", "title", "email", "event"):
        if values.get(key):
            return str(values[key])[:255]
    return ""

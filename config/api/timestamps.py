"""The API's timestamp format, without DRF: services (exports, webhooks, e-mails) use it too, and
importing them (the admin does at every start) should not import DRF's serializers."""

from datetime import UTC, timedelta

ZERO = timedelta(0)


def iso_timestamp(value):
    """ISO 8601 in UTC with milliseconds and `Z` (conventions.md). Called for every timestamp of
    every row of a list, so it converts only values that are not in UTC already."""
    if value is None or isinstance(value, str):  # None, or already formatted (config/api/rows.py)
        return value
    if value.utcoffset() != ZERO:
        value = value.astimezone(UTC)
    return value.isoformat(timespec="milliseconds")[:23] + "Z"

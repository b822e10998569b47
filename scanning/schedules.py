"""Schedule rules: an RFC 5545 recurrence in an IANA time zone.

Occurrences are wall-clock times in the rule's zone: "daily at 09:00 Europe/Athens" stays 09:00
local across DST changes. rrule generates naive local times; zoneinfo then localises them with
fold=0, so a time in the spring-forward gap moves forward by the gap (02:30 becomes 03:30) and an
ambiguous time in the fall-back hour takes its first (summer-time) instance. Results are UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as dateutil_rrule
from dateutil.relativedelta import relativedelta

FREQUENCIES = ("once", "hourly", "daily", "weekly", "monthly", "yearly")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_UNITS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
_RRULE_FREQ = {
    "hourly": dateutil_rrule.HOURLY,
    "daily": dateutil_rrule.DAILY,
    "weekly": dateutil_rrule.WEEKLY,
    "monthly": dateutil_rrule.MONTHLY,
    "yearly": dateutil_rrule.YEARLY,
}


class ScheduleError(ValueError):
    """An invalid rule; ``field`` names the offending field, ``str(error)`` is the message."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ScheduleRule:
    start_at: datetime  # aware
    timezone: str  # IANA name
    frequency: str
    interval: int = 1
    by_weekday: tuple[str, ...] = ()
    by_monthday: tuple[int, ...] = ()
    until: datetime | None = None  # aware
    count: int | None = None


def validate_rule(
    *,
    start_at=None,
    timezone=None,
    frequency="once",
    interval=1,
    by_weekday=(),
    by_monthday=(),
    until=None,
    count=None,
) -> ScheduleRule:
    """A checked ScheduleRule; ScheduleError names the first bad field. Datetimes may be ISO
    8601 strings; naive ones are read as wall-clock times in `timezone`."""
    zone = _zone(timezone)
    start = _datetime("start_at", start_at, zone, required=True)
    if frequency not in FREQUENCIES:
        raise ScheduleError("frequency", f"must be one of {', '.join(FREQUENCIES)}")
    interval = _positive("interval", 1 if interval is None else interval)
    weekdays = _weekdays(by_weekday)
    monthdays = _monthdays(by_monthday)
    if monthdays and frequency == "weekly":
        raise ScheduleError("by_monthday", "cannot be combined with a weekly frequency (RFC 5545)")
    end = _datetime("until", until, zone)
    if end is not None and end <= start:
        raise ScheduleError("until", "must be after start_at")
    if count is not None:
        count = _positive("count", count)
        if end is not None:
            raise ScheduleError("count", "cannot be combined with until (RFC 5545)")
    return ScheduleRule(start, timezone, frequency, interval, weekdays, monthdays, end, count)


def next_run_at(rule: ScheduleRule, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after` (UTC), or None once the rule is exhausted."""
    return next(_occurrences_after(rule, after), None)


def occurrences(rule: ScheduleRule, after: datetime, limit: int) -> list[datetime]:
    """Up to `limit` occurrences strictly after `after`, ascending, in UTC."""
    return list(islice(_occurrences_after(rule, after), max(0, limit)))


def to_icalendar(rule: ScheduleRule) -> str:
    """The rule as RFC 5545 lines (DTSTART with TZID, then RRULE unless it runs once),
    joined by newlines."""
    local = rule.start_at.astimezone(ZoneInfo(rule.timezone))
    lines = [f"DTSTART;TZID={rule.timezone}:{local:%Y%m%dT%H%M%S}"]
    if rule.frequency != "once":
        parts = [f"FREQ={rule.frequency.upper()}", f"INTERVAL={rule.interval}"]
        if rule.by_weekday:
            parts.append("BYDAY=" + ",".join(rule.by_weekday))
        if rule.by_monthday:
            parts.append("BYMONTHDAY=" + ",".join(str(day) for day in rule.by_monthday))
        if rule.until is not None:
            parts.append(f"UNTIL={rule.until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        if rule.count is not None:
            parts.append(f"COUNT={rule.count}")
        lines.append("RRULE:" + ";".join(parts))
    return "\n".join(lines)


# --- occurrences ---------------------------------------------------------------------------


def _occurrences_after(rule: ScheduleRule, after: datetime) -> Iterator[datetime]:
    after = _aware(after).astimezone(UTC)
    if rule.frequency == "once":
        start = rule.start_at.astimezone(UTC)
        if start > after:
            yield start
        return
    zone = ZoneInfo(rule.timezone)
    # Local times more than two days before `after` cannot follow it, whatever the offsets.
    horizon = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=2)
    previous = None
    for local in _local_rrule(rule, zone, horizon):
        if local < horizon:
            continue
        # fold=0: a gap time is read with the offset before the change (so it moves forward),
        # an ambiguous time as its first instance.
        moment = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if moment > after and moment != previous:  # two gap times can land on the same instant
            previous = moment
            yield moment


def _local_rrule(rule: ScheduleRule, zone: ZoneInfo, horizon: datetime):
    """Naive wall-clock occurrences in the rule's zone, from near `horizon` on when possible."""
    start = rule.start_at.astimezone(zone).replace(tzinfo=None)
    options = {
        "interval": rule.interval,
        "byweekday": [getattr(dateutil_rrule, day) for day in rule.by_weekday] or None,
        "bymonthday": list(rule.by_monthday) or None,
        "until": rule.until.astimezone(zone).replace(tzinfo=None) if rule.until is not None else None,
        "count": rule.count,
        "cache": False,
    }
    if rule.count is None:  # COUNT counts from the first occurrence, so only then can we skip ahead
        options.update(_implied_by_rules(rule, start))
        start = _skip_periods(rule, start, horizon)
    return dateutil_rrule.rrule(_RRULE_FREQ[rule.frequency], dtstart=start, **options)


def _implied_by_rules(rule: ScheduleRule, start: datetime) -> dict:
    """The BY* values rrule would take from the original start, made explicit so that moving
    the start does not change the rule."""
    if rule.by_weekday or rule.by_monthday:
        return {}
    return {
        "yearly": {"bymonth": start.month, "bymonthday": start.day},
        "monthly": {"bymonthday": start.day},
        "weekly": {"byweekday": start.weekday()},
    }.get(rule.frequency, {})


def _skip_periods(rule: ScheduleRule, start: datetime, horizon: datetime) -> datetime:
    """`start` moved forward by whole multiples of the rule's period, to at most `horizon`, so
    that a rule started years ago does not iterate through every past occurrence."""
    if horizon <= start:
        return start
    if rule.frequency in _UNITS:
        step = _UNITS[rule.frequency] * rule.interval
        return start + step * ((horizon - start) // step)
    months = (horizon.year - start.year) * 12 + horizon.month - start.month - 1
    unit = 12 if rule.frequency == "yearly" else 1
    periods = max(0, months // (unit * rule.interval))
    return start + relativedelta(months=periods * unit * rule.interval)


# --- field checks ----------------------------------------------------------------------------


def _zone(name) -> ZoneInfo:
    if not name or not isinstance(name, str):
        raise ScheduleError("timezone", "is required")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ScheduleError("timezone", f'"{name}" is not an IANA time zone')


def _datetime(field: str, value, zone: ZoneInfo, required: bool = False) -> datetime | None:
    if value is None or value == "":
        if required:
            raise ScheduleError(field, "is required")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ScheduleError(field, f'"{value}" is not an ISO 8601 date and time')
    if not isinstance(value, datetime):
        raise ScheduleError(field, "must be a date and time")
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _integer(value):
    """An int, or a string of digits as one (form data); anything else is returned unchanged."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _positive(field: str, value) -> int:
    value = _integer(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ScheduleError(field, "must be a whole number of at least 1")
    return value


def _weekdays(values) -> tuple[str, ...]:
    if isinstance(values, str):
        values = values.split(",")
    days = []
    for value in values or ():
        day = str(value).strip().upper()
        if day not in WEEKDAYS:
            raise ScheduleError("by_weekday", f'"{value}" is not one of {", ".join(WEEKDAYS)}')
        days.append(day)
    return tuple(dict.fromkeys(days))


def _monthdays(values) -> tuple[int, ...]:
    days = []
    if isinstance(values, str):
        values = values.split(",")
    for value in map(_integer, values or ()):
        if isinstance(value, bool) or not isinstance(value, int) or not (1 <= abs(value) <= 31):
            raise ScheduleError("by_monthday", f'"{value}" is not a day of the month (1 to 31 or -1 to -31)')
        days.append(value)
    return tuple(dict.fromkeys(days))

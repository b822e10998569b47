"""The rules of the /v2 list parameters: `q[<column>]` search values, absolute and relative
date ranges, and `sort_by`. Pure query-string -> ORM logic: no HTTP, no serializers. The
django-filter classes and the filter backend that apply them to a resource's FilterSet are in
config.api.filters.
Every bad value raises InvalidInput naming the offending parameter, which the API turns into a 422.
"""

import math
import re
import uuid
from datetime import UTC, date, datetime, time

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP

from config.api.errors import InvalidInput

SEARCH_KEY = re.compile(r"^q\[([^\]]+)\]$")
TEXT_FIELDS = (models.CharField, models.TextField, models.GenericIPAddressField)
NUMBER_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)
BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
# A `+` in an unencoded URL arrives as a space, turning `T00:00:00+00:00` into `T00:00:00 00:00`.
LOST_PLUS = re.compile(r"^(.*[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
RELATIVE = re.compile(r"^(\d+)([smhdMyq])$")
QUARTER = re.compile(r"^([1-4])q(\d{4})$")
SORT_TERM = re.compile(r"^(-?)(\w+)(?:\s*:\s*|\s+)?(\w*)$")
# relative_date_range units as (relativedelta argument, multiplier); `m` is minutes, `M` months.
RELATIVE_UNITS = {"s": ("seconds", 1), "m": ("minutes", 1), "h": ("hours", 1), "d": ("days", 1),
                  "M": ("months", 1), "y": ("years", 1), "q": ("months", 3)}


def apply_list_params(queryset, params, *, search_fields, sort_fields, date_field="created_at",
                      default_sort=("-created_at",)):
    """Apply `q[...]` search, the date range and `sort_by` from `params` (a QueryDict or dict).

    `search_fields` maps API column -> ORM path (or a `(queryset, value) -> queryset` callable);
    `sort_fields` is a tuple of column names or a dict API column -> ORM path (or a tuple of
    paths, sorted in the same direction); `default_sort`
    holds ORM order_by() terms. Raises InvalidInput on any bad parameter.
    """
    from config.api.filters import ResourceFilterSet, filter_list

    filterset_class = ResourceFilterSet.for_columns(search_fields, date_field)
    return filter_list(queryset, params, filterset_class, sort_fields=sort_fields, default_sort=default_sort)


# --- search -----------------------------------------------------------------------------------

def parse_search(params, search_fields) -> dict[str, str]:
    """The `q[<column>]` values by column, surrounding quotes stripped; other keys are ignored."""
    terms = {}
    for key in params:
        match = SEARCH_KEY.match(key)
        value = params.get(key)
        if not match or value in (None, ""):
            continue
        column = match.group(1)
        if column not in search_fields:
            allowed = ", ".join(search_fields)
            raise InvalidInput.field(key, f"is not a searchable column (allowed: {allowed})")
        if "\x00" in value:  # PostgreSQL refuses NUL in a string literal
            raise InvalidInput.field(key, "must not contain NUL characters")
        terms[column] = _strip_quotes(value)
    return terms


def _strip_quotes(value):
    # Clients quote values to keep spaces or a leading `*` intact: `q[name]='test*'`.
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _resolve_field(model, path):
    """The model field `path` ends at, and whether reaching it crosses a to-many relation."""
    field, multi_valued = None, False
    for name in path.split(LOOKUP_SEP):
        if field is not None:
            if field.related_model is None:
                raise ImproperlyConfigured(f"Search path {path!r} goes through a non-relation")
            model = field.related_model
        field = model._meta.get_field(name)
        multi_valued |= bool(field.many_to_many or field.one_to_many)
    # A relation is matched by the key it points at, so it searches like that key (e.g. a UUID).
    while field.is_relation:
        field = field.target_field
    return field, multi_valued


def _search_lookup(field, path, param, value):
    """The filter() kwargs matching `value` against `field`, or None when nothing can match."""
    if isinstance(field, TEXT_FIELDS) and not field.choices:
        return _text_lookup(path, value)
    if "*" in value:
        raise InvalidInput.field(param, "does not accept * wildcards (exact match only)")
    if field.choices:
        # An enum value that doesn't exist simply matches nothing; it is not a client error.
        choices = {str(key): key for key, _label in field.flatchoices}
        return {path: choices[value]} if value in choices else None
    if isinstance(field, models.UUIDField):
        try:
            return {path: uuid.UUID(value)}
        except ValueError:
            raise InvalidInput.field(param, "is not a valid UUID") from None
    if isinstance(field, NUMBER_FIELDS):
        return {path: _parse_number(field, param, value)}
    if isinstance(field, models.BooleanField):
        if value.lower() not in BOOLEANS:
            raise InvalidInput.field(param, "must be true or false")
        return {path: BOOLEANS[value.lower()]}
    if isinstance(field, models.DateField):  # DateTimeField included: it subclasses DateField
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput.field(param, "is not a valid date (YYYY-MM-DD)") from None
        suffix = "__date" if isinstance(field, models.DateTimeField) else ""
        return {f"{path}{suffix}": day}
    raise ImproperlyConfigured(f"Cannot search {type(field).__name__} {path!r}")


def _text_lookup(path, value):
    # Prefer the LIKE-based lookups when the pattern allows: they can use indexes, and they escape
    # `%` and `_` themselves. Anything else becomes an anchored regex, which SQLite and PostgreSQL
    # both support case-insensitively.
    parts = value.split("*")
    if len(parts) == 1:
        return {f"{path}__iexact": value}
    if len(parts) == 2 and parts[0] and not parts[1]:
        return {f"{path}__istartswith": parts[0]}
    if len(parts) == 2 and parts[1] and not parts[0]:
        return {f"{path}__iendswith": parts[1]}
    if len(parts) == 3 and parts[1] and not parts[0] and not parts[2]:
        return {f"{path}__icontains": parts[1]}
    return {f"{path}__iregex": "^" + ".*".join(re.escape(part) for part in parts) + "$"}


def _parse_number(field, param, value):
    try:
        number = field.to_python(value)
    except ValidationError:
        number = None
    # NaN and infinities parse as floats but never match a stored value meaningfully.
    if number is None or not math.isfinite(number):
        raise InvalidInput.field(param, "is not a valid number")
    return number


# --- date range -------------------------------------------------------------------------------

class DateRange(tuple):
    """A `(start, end)` pair of aware UTC datetimes (either may be None) that unpacks like a plain
    tuple. Both bounds are inclusive unless `end_exclusive` is set: a calendar quarter ends at the
    first instant of the next quarter, which is exact, unlike "last microsecond of the quarter"."""

    def __new__(cls, start=None, end=None, *, end_exclusive=False):
        pair = super().__new__(cls, (start, end))
        pair.end_exclusive = end_exclusive
        return pair

    @property
    def start(self):
        return self[0]

    @property
    def end(self):
        return self[1]


def parse_date_range(params, now=None) -> DateRange:
    """The bounds from `date_range_start`/`date_range_end` or `relative_date_range`."""
    start_text = _param(params, "date_range_start")
    end_text = _param(params, "date_range_end")
    relative = _param(params, "relative_date_range")

    if relative is not None:
        if start_text is not None or end_text is not None:
            raise InvalidInput.field(
                "relative_date_range", "cannot be combined with date_range_start/date_range_end"
            )
        return _parse_relative(relative, now or datetime.now(UTC))

    start = _parse_bound("date_range_start", start_text, end_of_day=False)
    end = _parse_bound("date_range_end", end_text, end_of_day=True)
    if start is not None and end is not None and start > end:
        raise InvalidInput.field("date_range_start", "must not be after date_range_end")
    return DateRange(start, end)


def _parse_bound(name, text, *, end_of_day):
    if text is None:
        return None
    try:
        if DATE_ONLY.match(text):
            # A bare date covers the whole day, so an end date includes everything on it.
            day_time = time.max if end_of_day else time.min
            moment = datetime.combine(date.fromisoformat(text), day_time)
        else:
            moment = datetime.fromisoformat(LOST_PLUS.sub(r"\1+\2", text))
        # An offset can push 0001-01-01 or 9999-12-31 out of what datetime holds in UTC.
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInput.field(
            name, "is not a valid date or time (use YYYY-MM-DD hh:mm:ss or ISO 8601)"
        ) from None


def _parse_relative(text, now):
    try:
        quarter = QUARTER.match(text)
        if quarter:
            first_month = 3 * int(quarter.group(1)) - 2
            start = datetime(int(quarter.group(2)), first_month, 1, tzinfo=UTC)
            return DateRange(start, start + relativedelta(months=3), end_exclusive=True)
        relative = RELATIVE.match(text)
        if relative and int(relative.group(1)) >= 1:
            unit, multiplier = RELATIVE_UNITS[relative.group(2)]
            span = relativedelta(**{unit: multiplier * int(relative.group(1))})
            now = now.astimezone(UTC)
            return DateRange(now - span, now)
    except (ValueError, OverflowError):
        pass  # a year or span outside what datetime can represent
    raise InvalidInput.field(
        "relative_date_range",
        "is not a valid relative range (e.g. 10d, 6h, 1M, or 1q2020 for a calendar quarter)",
    )


def _param(params, name):
    # An empty parameter (e.g. a blank form field) means the same as a missing one.
    value = params.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


# --- sorting ----------------------------------------------------------------------------------

def parse_sort(params, sort_fields, default_sort) -> list[str]:
    """ORM order_by() terms for `sort_by`, ending with a primary-key tie-break so that pages of
    rows sharing a sort value stay disjoint."""
    columns = sort_fields if isinstance(sort_fields, dict) else {name: name for name in sort_fields}
    raw = _param(params, "sort_by")
    if raw is None:
        terms = list(default_sort)
    else:
        # `+` stands for a space when the query string was built by hand without encoding.
        keys = [key.strip() for key in raw.replace("+", " ").split(",") if key.strip()]
        terms = [term for key in keys for term in _sort_terms(key, columns)] or list(default_sort)

    last = terms[-1] if terms else "pk"
    if last.lstrip("-") not in ("pk", "id"):
        terms.append("-pk" if last.startswith("-") else "pk")
    return terms or ["pk"]


def _sort_terms(key, columns):
    """The ORM terms of one `sort_by` key: a column maps to a path, or to a tuple of paths sorted
    the same way (a column whose ties the list orders by another, as its index does)."""
    match = SORT_TERM.match(key)
    if not match:
        raise InvalidInput.field("sort_by", f"has an invalid sort key {key!r}")
    minus, column, direction = match.groups()
    if column not in columns:
        allowed = ", ".join(columns)
        raise InvalidInput.field(
            "sort_by", f"{column!r} is not a sortable column (allowed: {allowed})"
        )
    direction = direction.lower()
    if direction not in ("", "asc", "desc") or (minus and direction):
        raise InvalidInput.field(
            "sort_by", f"has an invalid direction in {key!r} (use asc or desc)"
        )
    descending = bool(minus) or direction == "desc"
    paths = columns[column] if isinstance(columns[column], tuple) else (columns[column],)
    return [("-" if descending else "") + path for path in paths]

"""Listed rows: a list reads the columns its resource shows as plain `.values()` rows, and the
database writes ids and timestamps as the very strings the API sends. A page of 100
organizations otherwise builds some 400 `uuid.UUID` and 200 `datetime` objects (and their time
zones) only to turn them back into text; on SQLite every one of them is also parsed from text.

Both backends the product supports are covered: SQLite stores a UUID as 32 hex digits and a
timestamp as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC; PostgreSQL has `uuid` and `timestamptz`.
The text is byte-for-byte what `str(uuid)` and `iso_timestamp()` give (tests compare them)."""

from django.db import models
from django.db.models import Func, Subquery

# Formatted columns are selected under this prefix (an annotation may not reuse a field's name);
# a Row answers for them under the plain name.
ALIAS = "text__"


class UUIDText(Func):
    """A UUID column as its canonical text: 8-4-4-4-12 lowercase hex digits."""

    arity = 1
    output_field = models.CharField()
    template = "CAST(%(expressions)s AS text)"

    def as_sqlite(self, compiler, connection, **extra):
        parts = ("1, 8", "9, 4", "13, 4", "17, 4", "21")
        template = " || '-' || ".join(f"substr(%(expressions)s, {part})" for part in parts)
        return column_only(self.as_sql(compiler, connection, template=f"({template})", **extra))


class IsoTimestamp(Func):
    """A timestamp as ISO 8601 in UTC with milliseconds (truncated) and `Z`, as iso_timestamp()."""

    arity = 1
    output_field = models.CharField()
    template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""

    def as_sqlite(self, compiler, connection, **extra):
        # 'YYYY-MM-DD HH:MM:SS.ffffff', or without '.ffffff' when the microseconds are 0
        template = (
            "(substr(%(expressions)s, 1, 10) || 'T' || substr(%(expressions)s, 12, 8) || '.' || "
            "substr(%(expressions)s || '.000000', 21, 3) || 'Z')"
        )
        return column_only(self.as_sql(compiler, connection, template=template, **extra))


class JSONRows(Subquery):
    """A correlated subquery's rows as one column of the outer query: a JSON array (as text, "[]"
    when there are none) of the one value per row the subquery selects as `item`, in its order.
    Lists use it for small nested blocks (an organization's members) so that they need no query
    of their own and no IN list of the page's ids."""

    output_field = models.TextField()
    template = "(SELECT COALESCE(CAST(json_agg(item) AS text), '[]') FROM (%(subquery)s) AS json_rows)"

    def as_sqlite(self, compiler, connection, **extra):
        template = "(SELECT COALESCE(json_group_array(json(item)), '[]') FROM (%(subquery)s))"
        return self.as_sql(compiler, connection, template=template, **extra)


def column_only(compiled):
    """The SQLite templates repeat their argument, which is only sound for a plain column."""
    sql, params = compiled
    if params:
        raise ValueError("UUIDText and IsoTimestamp take a column, not an expression with parameters")
    return sql, params


def formatter(field):
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.UUIDField):
        return UUIDText
    if isinstance(field, models.DateTimeField):
        return IsoTimestamp
    return None


def listed_values(queryset, columns):
    """`queryset.values(*columns)` with the UUID and timestamp columns formatted by the database.
    Columns may be field names, foreign-key attnames (`parent_id`) or annotations."""
    fields = {}
    for field in queryset.model._meta.concrete_fields:
        fields[field.name] = fields[field.attname] = field
    plain, formatted = [], {}
    for name in columns:
        format_ = formatter(fields[name]) if name in fields else None
        if format_ is None:
            plain.append(name)
        else:
            formatted[ALIAS + name] = format_(fields[name].attname)
    return queryset.values(*plain, **formatted)


class Row:
    """A record read as a plain `.values()` row (see `listed_values`), with attribute access like
    a model instance: subclasses borrow the model's properties."""

    def __init__(self, values):
        self.__dict__.update(values)

    def __getattr__(self, name):  # only for names not in the row: the formatted columns
        try:
            return self.__dict__[ALIAS + name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def pk(self):
        return self.id


def record_id(record):
    """The id of a listed row (a `listed_values` dict: its id as text) or of a model instance."""
    return record[ALIAS + "id"] if isinstance(record, dict) else record.pk


def formatted_names(model, columns):
    """The names among `columns` that `listed_values` has the database format (ids, timestamps)."""
    fields = {}
    for field in model._meta.concrete_fields:
        fields[field.name] = fields[field.attname] = field
    return tuple(name for name in columns if name in fields and formatter(fields[name]) is not None)

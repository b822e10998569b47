"""Listed rows of the scanning lists (targets, scans, a scan's histories): plain `.values()`
rows of the columns the list shows, ids and timestamps formatted by the database, the names of
joined records read in the same query (config/api/rows.py), JSON columns as their text. A page
otherwise builds whole model instances, with their UUIDs and datetimes, only to turn them back
into text. `RowSerializer` writes a resource from such a row; a single record is first read into
the same row (`row_of`), so a list and a detail route share one writer."""

import functools
import re
from datetime import UTC, datetime, timedelta

import orjson
from django.db import models
from django.db.models import Expression, Func, OuterRef, Subquery, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import IsNull

from config.api.rows import ALIAS, formatted_names, listed_values
from config.api.serializers import ResourceSerializer, iso_timestamp, relationship
from scanning.models import Scan

ID = ALIAS + "id"
JSON = "__json"  # a JSON column read as its text: `severity_counts__json`
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

OWNED_COLUMNS = ("id", "organization_id", "created_by_id", "product", "created_at", "updated_at")

TARGET_COLUMNS = (
    *OWNED_COLUMNS, "name", "hosts", "exclude_hosts", "host_count", "port_list_id", "port_list__name", "alive_test",
    "comment", "credentials_public" + JSON,
)
SCAN_COLUMNS = (
    *OWNED_COLUMNS, "name", "target_id", "target__name", "scan_profile_id", "scan_profile__name", "scanner_id",
    "scanner__name", "schedule_id", "schedule__name", "last_history_id", "comment", "status", "progress",
    "last_run_at", "next_run_at", "run_count", "severity_counts" + JSON, "max_severity", "pci_status", "max_checks",
    "max_hosts",
)
RUN_COLUMNS = (
    "id", "scan_id", "scanner_id", "organization_id", "status", "stage", "progress", "queued_at", "started_at",
    "finished_at", "host_count", "hosts_alive", "severity_counts" + JSON, "max_severity", "pci_status",
    "delta" + JSON, "error", "partial", "triggered_by", "created_at", "updated_at", "started_us", "finished_us",
)


class EpochMicroseconds(Func):
    """A timestamp as whole microseconds since 1970 (a bigint; NULL stays NULL): a run's duration
    and time to go are differences of these, exactly as `timedelta.total_seconds()` gives them."""

    arity = 1
    output_field = models.BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS bigint)"  # EXTRACT is numeric: exact

    def as_sqlite(self, compiler, connection, **extra):
        # 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds from julianday (exact once rounded), then the digits
        template = (
            "(CAST(round((julianday(substr(%(expressions)s, 1, 19)) - 2440587.5) * 86400) AS integer) * 1000000"
            " + CAST(substr(%(expressions)s || '.000000', 21, 6) AS integer))"
        )
        sql, params = self.as_sql(compiler, connection, template=template, **extra)
        if params:
            raise ValueError("EpochMicroseconds takes a column")
        return sql, params


SAFE_TEXT = re.compile(r"^[a-z_]+$")


def sql_literal(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and SAFE_TEXT.match(value):
        return f"'{value}'"
    raise ValueError(f"not written into SQL: {value!r}")


class Inlined(Expression):
    """An expression with its parameters written into its SQL, for parameters that are the code's
    own constants or validated integers (`sql_literal` refuses anything else): the page rows of a list are compiled once only when they add no parameter to
    the page query's (config/api/page_rows.py)."""

    def __init__(self, expression):
        super().__init__(output_field=expression.output_field)
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        if "%%" in sql:
            raise ValueError("Inlined takes no SQL with a literal %")
        return sql % tuple(sql_literal(param) for param in params), ()


def epoch_microseconds(moment):
    return None if moment is None else (moment - EPOCH) // MICROSECOND


def listed_rows(queryset, columns, **annotations):
    """`listed_values` of `columns`, a `name__json` column read as the text of JSON column `name`."""
    texts = {name: Cast(name.removesuffix(JSON), TextField()) for name in columns if name.endswith(JSON)}
    return listed_values(queryset.annotate(**texts, **annotations), columns)


def listed_targets(page):
    # Not EXISTS: PostgreSQL plans it for the 10,000 rows before the limit and hashes the whole
    # scans table instead; a scalar subquery runs for the page's rows only (index target_id).
    in_use = IsNull(Subquery(Scan.objects.filter(target_id=OuterRef("pk")).order_by().values("pk")[:1]), False)
    return listed_rows(page, (*TARGET_COLUMNS, "in_use"), in_use=in_use)


def listed_scans(page):
    return listed_rows(page, SCAN_COLUMNS)


def listed_runs(page):
    moments = {"started_us": EpochMicroseconds("started_at"), "finished_us": EpochMicroseconds("finished_at")}
    return listed_rows(page, RUN_COLUMNS, **moments)


def row_of(instance, columns):
    """The listed row of a model instance: what `listed_rows` reads for it."""
    formatted = formatted_set(type(instance), columns)
    row = {}
    for name in columns:
        path = name.removesuffix(JSON)
        value = instance
        for part in path.split("__"):
            value = getattr(value, part) if value is not None else None
        if name in formatted:
            row[ALIAS + name] = value if value is None else iso_timestamp(value) if isinstance(value, datetime) else str(value)
        else:  # a JSON column keeps its value (json_column)
            row[name] = value
    return row


@functools.lru_cache(maxsize=64)
def formatted_set(model, columns):
    """`formatted_names` of a model's columns as a set, worked out once (`row_of` runs per row)."""
    return frozenset(formatted_names(model, columns))


def row_stamps(row):
    return {"created_at": row[ALIAS + "created_at"], "updated_at": row[ALIAS + "updated_at"]}


def json_column(row, name):
    """JSON column `name` of a listed row (its text) or of `row_of` (its value: these columns hold
    objects and lists, never a bare string)."""
    value = row[name + JSON]
    return orjson.loads(value) if isinstance(value, str) else value


class RowSerializer(ResourceSerializer):
    """Writes a resource from its listed row (`listed(row)`: the attributes after `id`);
    `relationships` name formatted id columns of the row. A model instance is read into the row
    first (`row_of_instance`)."""

    def to_representation(self, instance):
        row = instance if isinstance(instance, dict) else self.row_of_instance(instance)
        pk = row[ID]
        attributes = {"id": pk}
        attributes.update(self.listed(row))
        return {
            "id": pk, "type": self.resource_type, "attributes": attributes,
            "relationships": {name: {"data": relationship(row[ALIAS + attname], kind)}
                              for name, (attname, kind) in self.relationships.items()},
        }

    def row_of_instance(self, instance):
        raise NotImplementedError

    def listed(self, row):
        raise NotImplementedError


def target_row(target, in_use):
    return {**row_of(target, TARGET_COLUMNS), "in_use": in_use}


def scan_row(scan):
    return row_of(scan, SCAN_COLUMNS)


def run_row(run):
    moments = {"started_us": epoch_microseconds(run.started_at), "finished_us": epoch_microseconds(run.finished_at)}
    return {**row_of(run, RUN_COLUMNS[:-2]), **moments}


def now_microseconds():
    from django.utils import timezone

    return epoch_microseconds(timezone.now())


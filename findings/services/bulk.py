"""Bulk writes of plain rows for the ingestion path: one statement per table per batch.

On PostgreSQL the rows are streamed with binary COPY into a staging table, then moved with one
INSERT ... SELECT ... ON CONFLICT DO UPDATE (or UPDATE ... FROM): no model instances and no
per-value parameter escaping on the way (Django's bulk_create builds a model per row and sends
every value as an escaped literal; that cost about ten times the database's own work here,
benchmarks/README.md). A staging table is a temporary table of the connection, created once per
table and column list and emptied before each use (creating and dropping one per call cost more
than its COPY). `write(..., meanwhile=f)` sends the statements in pipeline mode and runs `f`
while the server works, so Python and PostgreSQL use both cores. Elsewhere (SQLite) Django's
bulk_create(update_conflicts=True) and bulk_update do the same job, one after the other."""

import ipaddress
import json
import zlib
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from psycopg.types.json import Jsonb

_types = {}  # staging table name -> the type oids of its columns (the same for every connection)
# UPDATE ... FROM a staging table of a thousand rows: the planner, which knows nothing of the
# staging table, prefers a hash join that reads the whole table to be updated (every finding of
# every organization) once per batch; looking each row up by primary key is what it should do.
# (One statement each way: set_config is SET LOCAL, and reset_val the session's own value.)
BY_PRIMARY_KEY = "SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)"
PLANNER_DEFAULTS = ("SELECT set_config(name, reset_val, true) FROM pg_settings "
                    "WHERE name IN ('enable_hashjoin', 'enable_mergejoin')")


@dataclass
class Upsert:
    """Insert `rows` (tuples in the order of `columns`, attribute names such as `host_id`, every
    column of the table: the database has no defaults of its own); on a conflict over `unique`
    (field names) update the `update` fields (none: keep the row)."""

    model: type
    columns: tuple
    rows: list
    unique: tuple = ()
    update: tuple = ()

    joins = False

    def statements(self, staging):
        names = _names(self.model, self.columns)
        return [(insert_select(self.model, self.columns, f"SELECT {names} FROM {staging}", self.unique,  # noqa: S608
                               self.update), None)]

    def run_with_orm(self):
        model, unique, update = self.model, self.unique, self.update
        objects = [model(**dict(zip(self.columns, row, strict=True))) for row in self.rows]
        if unique:
            model.objects.bulk_create(objects, update_conflicts=bool(update), ignore_conflicts=not update,
                                      unique_fields=list(unique) if update else None, update_fields=list(update) or None)
        else:
            model.objects.bulk_create(objects)


@dataclass
class Update:
    """Set `columns[1:]` of the rows whose primary key is `columns[0]` (rows: tuples in that order)."""

    model: type
    columns: tuple
    rows: list

    joins = True

    def statements(self, staging):
        table, key = quoted_table(self.model), _column(self.model, self.columns[0])
        assignments = ", ".join(f"{_column(self.model, name)} = source.{_column(self.model, name)}"
                                for name in self.columns[1:])
        return [(f"UPDATE {table} SET {assignments} FROM {staging} AS source "  # noqa: S608
                 f"WHERE {table}.{key} = source.{key}", None)]

    def run_with_orm(self):
        """Rows that share their values (findings seen again: a handful of statuses) are one
        UPDATE ... WHERE id IN (...) per 500 ids; others go through bulk_update's CASE statements,
        whose cost on SQLite grows with the square of the batch."""
        names = list(self.columns[1:])
        groups = {}
        try:
            for pk, *values in self.rows:
                groups.setdefault(tuple(values), []).append(pk)
        except TypeError:  # JSON values: no grouping
            groups = None
        if groups is None or len(groups) > 8:
            objects = [self.model(**dict(zip(self.columns, row, strict=True))) for row in self.rows]
            self.model.objects.bulk_update(objects, names, batch_size=1000)
            return
        for values, ids in groups.items():
            for start in range(0, len(ids), 500):
                self.model.objects.filter(pk__in=ids[start:start + 500]).update(**dict(zip(names, values, strict=True)))


@dataclass
class Staged:
    """Rows staged once (tuples of `columns` of `model`, a table whose columns they mirror) and
    the statements that read them: `(sql, params)` pairs whose SQL names the staging table as
    `{staging}` (see `insert_select`). They may join other tables by key (`joins`: the planner is
    pinned to looking rows up, as for Update). Elsewhere (SQLite) `fallback()` does the same job
    with the ORM."""

    model: type
    columns: tuple
    rows: list
    sql: list
    fallback: object
    joins: bool = True

    def statements(self, staging):
        return [(sql.replace("{staging}", staging), params) for sql, params in self.sql]

    def run_with_orm(self):
        self.fallback()


def insert_select(model, columns, select, unique=(), update=()):
    """INSERT INTO the model's table (`columns`, field attnames) the rows of `select`; on a
    conflict over `unique` (field names) update the `update` fields (none: keep the row)."""
    conflict = ""
    if unique:
        target = _names(model, unique)
        assignments = ", ".join(f"{_column(model, name)} = EXCLUDED.{_column(model, name)}" for name in update)
        conflict = f" ON CONFLICT ({target}) " + (f"DO UPDATE SET {assignments}" if update else "DO NOTHING")
    return f"INSERT INTO {quoted_table(model)} ({_names(model, columns)}) {select}{conflict}"


def upsert(model, columns, rows, unique=(), update=()):
    assert len(columns) == len(model._meta.concrete_fields), f"{model.__name__}: every column is needed"
    write(Upsert(model, columns, rows, unique, update))


def update_rows(model, columns, rows):
    """PostgreSQL: COPY into a staging table, then one UPDATE ... FROM; elsewhere Django's
    bulk_update (one CASE statement per 1,000 rows)."""
    write(Update(model, columns, rows))


class Read:
    """The rows of a values_list queryset, read after a write's statements in the same round
    trip (`write(..., reads=[...])`, PostgreSQL; with the ORM after the writes elsewhere) or at
    once (`now()`). `rows` holds them afterwards."""

    def __init__(self, queryset):
        self.queryset, self.rows, self.cursor = queryset, None, None

    def now(self):
        self.rows = fetched(self.queryset)
        return self

    def send(self):
        query = _sql_of(self.queryset)
        if query is None:
            self.rows = []
            return
        self.cursor = connection.cursor()
        self.cursor.execute(*query)

    def receive(self):
        if self.cursor is not None:
            self.rows, self.cursor = self.cursor.fetchall(), self.cursor.close()


def write(*writes, meanwhile=None, lazy_commit=False, reads=()):
    """Apply the writes (those with rows) in order, and return `meanwhile()`, which runs while the
    database applies them (PostgreSQL) or after (elsewhere). `meanwhile` must not query: the
    connection is busy with the pipeline. `lazy_commit`: the transaction's commit does not wait
    for the disk (synchronous_commit off, PostgreSQL; see ingest.store_batches for when). `reads`
    (Read objects) are sent after the statements, in the same pipeline: their rows are there when
    write returns."""
    writes = [w for w in writes if w.rows]
    if connection.vendor != "postgresql":
        for w in writes:
            w.run_with_orm()
        for read in reads:
            read.now()
        return meanwhile() if meanwhile else None
    with transaction.atomic() if not connection.in_atomic_block else nullcontext(), \
            connection.cursor() as cursor:
        statements, stagings = [], []
        _create_stagings(cursor, writes, ["SET LOCAL synchronous_commit = off"] if lazy_commit else [])
        for w in writes:
            stagings.append(_staged(cursor, w.model, w.columns, w.rows))
            statements += w.statements(stagings[-1])
        if any(w.joins for w in writes):
            statements = [(BY_PRIMARY_KEY, None), *statements, (PLANNER_DEFAULTS, None)]
        statements += [(f"DELETE FROM {staging}", None) for staging in stagings]  # noqa: S608 - empty for the next use
        # COPY is not allowed in a pipeline: the rows are staged before. An error the pipeline
        # reports as it ends is raised as Django's (IntegrityError, ...), as a cursor's would be.
        with connection.wrap_database_errors, connection.connection.pipeline():
            for statement, params in statements:
                cursor.execute(statement, params)
            for read in reads:
                read.send()
            built = meanwhile() if meanwhile else None
        for read in reads:
            read.receive()
        return built


def fetched(queryset):
    """The rows of a values_list queryset. On PostgreSQL in one fetchall (Django's iterator fetches
    100 rows at a time and passes each through its converters, none of which these columns need:
    uuids come as UUID, JSON as its text); elsewhere through the ORM."""
    if connection.vendor != "postgresql":
        return list(queryset)
    query = _sql_of(queryset)
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return cursor.fetchall()


def _sql_of(queryset):
    """(sql, params) of a queryset, None when it can match nothing (e.g. `id__in=[]`)."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return None


def json_value(value):
    """A JSON column's value as `fetched` returns it (its text on PostgreSQL)."""
    return orjson.loads(value) if isinstance(value, str) else value


def quoted_table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name):
    return connection.ops.quote_name(model._meta.get_field(name).column)


def quoted_columns(model, names):
    """The quoted column names of the model's fields `names`, for hand-written statements."""
    return [_column(model, name) for name in names]


def _names(model, fields):
    return ", ".join(_column(model, name) for name in fields)


def _staging(model, columns):
    """(quoted name, quoted column names) of the connection's staging table for these columns."""
    names = _names(model, columns)
    return connection.ops.quote_name(f"staging_{model._meta.db_table}_{zlib.crc32(names.encode()):08x}"), names


def _create_stagings(cursor, writes, statements):
    """The writes' staging tables, in one round trip: they empty themselves at commit (ON COMMIT
    DELETE ROWS) and `write` empties them after use, so no TRUNCATE is needed (it made a new file
    per call). Knowing which tables a connection already has cannot be trusted across rollbacks,
    so each write asks again (IF NOT EXISTS). `statements`: more to send in the same round trip."""
    for w in writes:
        staging, names = _staging(w.model, w.columns)
        statements.append(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "  # noqa: S608
                          f"SELECT {names} FROM {quoted_table(w.model)} WITH NO DATA")
    if statements:
        cursor.execute("; ".join(statements))


def _staged(cursor, model, columns, rows):
    """The quoted name of the connection's staging table for these columns (created by
    `_create_stagings`, empty), now holding `rows`. Only quoted identifiers from the model's
    metadata are formatted into SQL; values go through COPY."""
    meta = model._meta
    staging, names = _staging(model, columns)
    if staging not in _types:
        cursor.execute(f"SELECT {names} FROM {staging} LIMIT 0")  # noqa: S608
        _types[staging] = [column.type_code for column in cursor.description]
    # Binary COPY: a quarter of the text format's cost on both sides (no number, uuid or timestamp
    # formatting and parsing); it needs JSON wrapped and addresses as ipaddress objects.
    adapted = {i: _jsonb for i, name in enumerate(columns) if isinstance(meta.get_field(name), models.JSONField)}
    adapted |= {i: _address for i, name in enumerate(columns)
                if isinstance(meta.get_field(name), models.GenericIPAddressField)}
    with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(_types[staging])
        if not adapted:
            for row in rows:
                copy.write_row(row)
            return staging
        for row in rows:
            row = list(row)
            for i, adapt in adapted.items():
                if row[i] is not None:
                    row[i] = adapt(row[i])
            copy.write_row(row)
    return staging


def _jsonb(value):
    return Jsonb(value, dumps=_dumps)


def _dumps(value):
    """orjson (a fifth of json.dumps' time on the hosts' port lists); the standard library for
    what orjson refuses (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(value)


@lru_cache(maxsize=65536)
def _address(text):
    return ipaddress.ip_address(text)

"""Bulk writes of plain rows for the ingestion path: one statement per table per batch.

On PostgreSQL the rows are streamed with COPY into a staging table, then moved with one
INSERT ... SELECT ... ON CONFLICT DO UPDATE (or UPDATE ... FROM): no model instances and no
per-value parameter escaping on the way (Django's bulk_create builds a model per row and sends
every value as an escaped literal; that cost about ten times the database's own work here,
benchmarks/README.md). A staging table is a temporary table of the connection, created once per
table and column list and emptied before each use (creating and dropping one per call cost more
than its COPY). Elsewhere (SQLite) Django's bulk_create(update_conflicts=True) and bulk_update do
the same job."""

import ipaddress
import zlib
from functools import lru_cache

from django.db import connection, models
from psycopg.types.json import Jsonb

_types = {}  # staging table name -> the type oids of its columns (the same for every connection)


def upsert(model, columns, rows, unique=(), update=()):
    """Insert `rows` (tuples in the order of `columns`, attribute names such as `host_id`, every
    column of the table: the database has no defaults of its own); on a conflict over `unique`
    (field names) update the `update` fields (none: keep the row)."""
    if not rows:
        return
    assert len(columns) == len(model._meta.concrete_fields), f"{model.__name__}: every column is needed"
    if connection.vendor == "postgresql":
        _copy_upsert(model, columns, rows, unique, update)
        return
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    if unique:
        model.objects.bulk_create(objects, update_conflicts=bool(update), ignore_conflicts=not update,
                                  unique_fields=list(unique) if update else None, update_fields=list(update) or None)
    else:
        model.objects.bulk_create(objects)


def update_rows(model, columns, rows):
    """Set `columns[1:]` of the rows whose primary key is `columns[0]` (rows: tuples in that
    order). PostgreSQL: COPY into a staging table, then one UPDATE ... FROM; elsewhere Django's
    bulk_update (one CASE statement per 1,000 rows)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_update(objects, list(columns[1:]), batch_size=1000)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    key = _column(model, columns[0])
    assignments = ", ".join(f"{_column(model, name)} = source.{_column(model, name)}" for name in columns[1:])
    with connection.cursor() as cursor:
        staging = _staged(cursor, model, columns, rows)
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {staging} AS source "  # noqa: S608
                       f"WHERE {table}.{key} = source.{key}")


def _column(model, name):
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _copy_upsert(model, columns, rows, unique, update):
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(_column(model, name) for name in columns)
    conflict = ""
    if unique:
        target = ", ".join(_column(model, name) for name in unique)
        assignments = ", ".join(f"{_column(model, name)} = EXCLUDED.{_column(model, name)}" for name in update)
        conflict = f" ON CONFLICT ({target}) " + (f"DO UPDATE SET {assignments}" if update else "DO NOTHING")
    with connection.cursor() as cursor:
        staging = _staged(cursor, model, columns, rows)
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}{conflict}")  # noqa: S608


def _staged(cursor, model, columns, rows):
    """The quoted name of the connection's staging table for these columns, holding `rows` only.
    Only quoted identifiers from the model's metadata are formatted into SQL; values go through COPY."""
    meta = model._meta
    names = ", ".join(_column(model, name) for name in columns)
    staging = connection.ops.quote_name(f"staging_{meta.db_table}_{zlib.crc32(names.encode()):08x}")
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "  # noqa: S608
                   f"SELECT {names} FROM {connection.ops.quote_name(meta.db_table)} WITH NO DATA")
    if staging not in _types:
        cursor.execute(f"SELECT {names} FROM {staging} LIMIT 0")  # noqa: S608
        _types[staging] = [column.type_code for column in cursor.description]
    else:
        cursor.execute(f"TRUNCATE {staging}")
    # Binary COPY: a quarter of the text format's cost on both sides (no number, uuid or timestamp
    # formatting and parsing); it needs JSON wrapped and addresses as ipaddress objects.
    adapted = {i: Jsonb for i, name in enumerate(columns) if isinstance(meta.get_field(name), models.JSONField)}
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


@lru_cache(maxsize=65536)
def _address(text):
    return ipaddress.ip_address(text)

"""A list page's rows query, compiled once per shape. Building a list's rows queryset (formatted
columns, nested JSON blocks, `.values()`) and compiling it cost more CPU than running it: the
same SQL is written for every request with only the parameters changing. A view that opts in
(`list_rows_shape`) gets its rows SQL, column names and converters from a small per-process cache
keyed by the page's plain SQL: the page query is still built and compiled (scope, filters,
sort, limit), only the rows layer on top of it is reused. A rows query whose parameters are
not exactly the page's own is never cached (its SQL would not follow from the key).

The rows query runs as a prepared statement on PostgreSQL (config/api/prepared.py). A view that
also sets `count_with_page` has its count and its page sent together (`counted_page`): one round
trip instead of two, the same two statements in the query log."""

import functools

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import QuerySet, ValuesIterable

from .prepared import prepared_cursor

MAX_SHAPES = 512
SHAPES = {}
UNCACHEABLE = object()  # a shape whose rows query cannot be reused: built per request


def listed_page(page, rows, view):
    """`list(rows(page))`, from the cache when the view declares what else its rows depend on."""
    found = cached_rows(page, rows, view)
    if found is None:
        return list(rows(page))
    compiled, params = found
    with prepared_cursor(connections[page.db]) as cursor:  # the same SQL every request: planned once
        cursor.execute(compiled[0], params)
        return listed_records(compiled, cursor.fetchall(), connections[page.db])


def counted_page(queryset, page, rows, view):
    """(count of `queryset`, `list(rows(page))`) with both statements sent in one round trip
    (psycopg's pipeline mode) on PostgreSQL, or None where that cannot be done: another database,
    a page whose rows are not cached, a queryset that a plain COUNT(*) over it would miscount.
    The page is read even when it lies past the end (it is then empty)."""
    connection = connections[page.db]
    if connection.vendor != "postgresql" or not pipelines():
        return None
    counting = count_statement(queryset)
    found = counting and cached_rows(page, rows, view)
    if not found:
        return None
    (compiled, params), (count_sql, count_params) = found, counting
    counter, reader = prepared_cursor(connection), prepared_cursor(connection)
    with counter, reader:
        with connection.wrap_database_errors, connection.connection.pipeline():
            counter.execute(count_sql, count_params)
            reader.execute(compiled[0], params)
        return counter.fetchone()[0], listed_records(compiled, reader.fetchall(), connection)


@functools.cache
def pipelines():
    """Whether psycopg's libpq has pipeline mode (libpq 14 and later; the binary wheels do)."""
    import psycopg

    return psycopg.Pipeline.is_supported()


def count_statement(queryset):
    """`SELECT COUNT(*)` over the queryset's rows, or None for what it would miscount."""
    query = queryset.query
    if query.distinct or query.combinator or query.is_sliced or query.group_by or query.annotations:
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return None
    return f"SELECT COUNT(*) FROM ({sql}) counted", params  # noqa: S608 (the ORM's own SQL)


def cached_rows(page, rows, view):
    """((sql, names, converters), params) of the page's rows query from the cache (compiled and
    cached on first use), or None when the view does not opt in or the query cannot be reused."""
    shape = view.list_rows_shape() if hasattr(view, "list_rows_shape") else None
    if shape is None:
        return None
    try:
        sql, params = page.query.get_compiler(using=page.db).as_sql()
    except EmptyResultSet:
        return None
    key = (type(view), getattr(rows, "__func__", rows), shape, page.db, sql)
    compiled = SHAPES.get(key)
    if compiled is None:
        if len(SHAPES) >= MAX_SHAPES:
            SHAPES.clear()
        compiled = SHAPES[key] = compile_rows(rows(page), params) or UNCACHEABLE
    return None if compiled is UNCACHEABLE else (compiled, params)


def compile_rows(listed, page_params):
    """(sql, names, converters) of a `.values()` rows queryset, or None when it cannot be reused."""
    if not isinstance(listed, QuerySet) or listed._iterable_class is not ValuesIterable:
        return None
    if listed._prefetch_related_lookups or listed.query.is_empty():
        return None
    query = listed.query
    compiler = query.get_compiler(using=listed.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if tuple(params) != tuple(page_params):
        return None
    # as ValuesIterable names a row's columns
    names = tuple(query.selected or (*query.extra_select, *query.values_select, *query.annotation_select))
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    if len(fields) != len(names):
        return None
    converters = tuple(compiler.get_converters(fields).items())
    return sql, names, converters


def listed_records(compiled, records, connection):
    """The fetched records as `.values()` rows: column names, and the ORM's converters applied."""
    _sql, names, converters = compiled
    width = len(names)
    if not converters:
        return [dict(zip(names, record[:width], strict=True)) for record in records]
    listed = []
    for record in records:
        values = list(record[:width])
        for position, (functions, expression) in converters:
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        listed.append(dict(zip(names, values, strict=True)))
    return listed

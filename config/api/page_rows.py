"""A list page's rows query, compiled once per shape. Building a list's rows queryset (formatted
columns, nested JSON blocks, `.values()`) and compiling it cost more CPU than running it: the
same SQL is written for every request with only the parameters changing. A view that opts in
(`list_rows_shape`) gets its rows SQL, column names and converters from a small per-process cache
keyed by the page's plain SQL: the page query is still built and compiled (scope, filters,
sort, limit), only the rows layer on top of it is reused. A rows query whose parameters are
not exactly the page's own is never cached (its SQL would not follow from the key)."""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import QuerySet, ValuesIterable

from .prepared import prepared_cursor

MAX_SHAPES = 512
SHAPES = {}


def listed_page(page, rows, view):
    """`list(rows(page))`, from the cache when the view declares what else its rows depend on."""
    shape = view.list_rows_shape() if hasattr(view, "list_rows_shape") else None
    if shape is None:
        return list(rows(page))
    try:
        sql, params = page.query.get_compiler(using=page.db).as_sql()
    except EmptyResultSet:
        return list(rows(page))
    connection = connections[page.db]
    key = (type(view), getattr(rows, "__func__", rows), shape, page.db, sql)
    compiled = SHAPES.get(key)
    if compiled is None:
        listed = rows(page)
        compiled = compile_rows(listed, params)
        if compiled is None:
            return list(listed)
        if len(SHAPES) >= MAX_SHAPES:
            SHAPES.clear()
        SHAPES[key] = compiled
    return run(compiled, params, connection)


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


def run(compiled, params, connection):
    sql, names, converters = compiled
    with prepared_cursor(connection) as cursor:  # the same SQL every request: planned once
        cursor.execute(sql, params)
        records = cursor.fetchall()
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

"""`page` / `per_page` pagination with the list envelope's `meta` and `links` (conventions.md)."""

import math
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.db import connections
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from .errors import InvalidInput
from .page_rows import counted_page, listed_page

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
LIST_FORMATS = ("json",)  # a list is its JSON envelope; files (CSV exports, reports) have routes of their own


def positive_int(params, name, default):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):  # int() would take "1_000", " +3" and "٣"
        raise InvalidInput.field(name, "must be a positive integer")
    value = int(text)
    if value < 1:
        raise InvalidInput.field(name, "must be a positive integer")
    return value


def check_list_format(params):
    """`format`, which DRF would read as a renderer, names one a list answers in, or it is a 422."""
    value = params.get("format")
    if value not in (None, "") and value not in LIST_FORMATS:
        raise InvalidInput.field("format", f"is not a format of lists (allowed: {', '.join(LIST_FORMATS)})")


def sorts_before_limit(queryset):
    """True when the database may compute every selected column of a filtered set before it
    sorts it and applies the limit: SQLite does, for a filtered list (a partner's scope, `q`)
    that it cannot read in order from an index. An unfiltered list walks its sort index and
    stops at the limit. PostgreSQL computes costly columns after the limit by itself."""
    return connections[queryset.db].vendor == "sqlite" and bool(queryset.query.where)


def page_by_ids(queryset, page):
    """The records of a page (an ordered, sliced queryset) by their ids, in the same order: the
    page's ids are one subquery, so whatever is read next (correlated subqueries, formatted
    columns) is computed for the page's rows alone."""
    records = queryset.model._default_manager.filter(pk__in=page.values("pk"))
    return records.order_by(*queryset.query.order_by) if queryset.query.order_by else records


class PagePagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None, rows=None):
        self.request = request
        check_list_format(request.query_params)
        self.page_number = positive_int(request.query_params, "page", 1)
        self.per_page = min(positive_int(request.query_params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        offset = (self.page_number - 1) * self.per_page
        if rows is not None and getattr(view, "count_with_page", False):
            counted = counted_page(queryset, queryset[offset : offset + self.per_page], rows, view)
            if counted is not None:  # the count and the page in one round trip
                self.total_count, listed = counted
                return listed
        # The view may know a cheaper exact count (e.g. one cached until the rows change).
        self.total_count = view.count_rows(queryset) if hasattr(view, "count_rows") else queryset.count()
        if offset >= self.total_count:
            return []
        # The view may also know a better way to read a page of `total_count` rows.
        page_of = getattr(view, "page_of", None)
        page = page_of(queryset, self.total_count, offset, self.per_page) if page_of else None
        if page is None:
            page = queryset[offset : offset + self.per_page]
        if rows is not None:
            return listed_page(page_by_ids(queryset, page) if sorts_before_limit(queryset) else page, rows, view)
        return list(page)

    @property
    def total_pages(self):
        return math.ceil(self.total_count / self.per_page) if self.total_count else 0

    def _link(self, page):
        """This request's URL with `page` and `per_page` set and the parameters sorted (as DRF's
        replace_query_param writes them); the URL is parsed once per response, not per link."""
        if page is None:
            return None
        scheme, netloc, path, params, fragment = self._url
        params = {**params, "page": [str(page)], "per_page": [str(self.per_page)]}
        return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))

    def get_paginated_response(self, data):
        scheme, netloc, path, query, fragment = urlsplit(self.request.build_absolute_uri())
        self._url = (scheme, netloc, path, parse_qs(query, keep_blank_values=True), fragment)
        last = max(self.total_pages, 1)
        page = self.page_number
        return Response(
            {
                "data": data,
                "meta": {
                    "current_page": page,
                    "per_page": self.per_page,
                    "total_pages": self.total_pages,
                    "total_count": self.total_count,
                },
                "links": {
                    "self": self._link(page),
                    "first": self._link(1),
                    "prev": self._link(page - 1) if 1 < page <= last + 1 else None,
                    "next": self._link(page + 1) if page < self.total_pages else None,
                    "last": self._link(last),
                },
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "properties": {
                "data": schema,
                "meta": {"type": "object"},
                "links": {"type": "object"},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
            {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LIST_FORMATS)},
             "description": "Lists answer JSON only; any other format is a 422."},
        ]

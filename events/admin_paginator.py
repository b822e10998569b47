"""A paginator for tables too big to COUNT(*) on every admin page (the audit trail): the count
is PostgreSQL's planner estimate for the whole table, or at most COUNT_CAP rows counted."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class LargeTablePaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        if not queryset.query.where and connections[queryset.db].vendor == "postgresql":
            with connections[queryset.db].cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [queryset.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] and row[0] > 0:
                return int(row[0])
        # A bounded count: reading at most COUNT_CAP ids costs the same on a huge table.
        return len(queryset.order_by().values_list("pk", flat=True)[:COUNT_CAP])

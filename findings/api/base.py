"""What the findings viewsets share: product scoping, `min_qod`, `limit` and the page's counts."""

from django.http import Http404

from config.api.pagination import positive_int
from config.api.uuids import parse_uuid
from config.api.viewsets import ResourceViewSet
from findings.api.params import min_qod
from findings.models import Finding


class FindingsViewSet(ResourceViewSet):
    product_field = "product"

    @property
    def min_qod(self):
        if not hasattr(self, "_min_qod"):
            self._min_qod = min_qod(self.request.query_params)
        return self._min_qod

    def limit(self, default=10, most=100):
        return min(positive_int(self.request.query_params, "limit", default), most)

    def findings(self):
        """The caller's current findings (organization and active product), every QoD."""
        return self.scope(Finding.objects.all())

    def visible_scan_search(self, field="scan_id"):
        """A `q[scan_id]` column: a malformed id is a 422; a scan the caller cannot see is a 404
        (as it is on the scan's own routes), never an empty list that confirms nothing."""

        def search(queryset, value):
            from scanning.models import Scan

            pk = parse_uuid(value)
            if pk is None:
                raise ValueError("is not a valid id")
            if not self.scope(Scan.objects.filter(pk=pk)).exists():
                raise Http404
            return queryset.filter(**{field: pk})

        return search

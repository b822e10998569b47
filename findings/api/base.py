"""What the findings viewsets share: product scoping, `min_qod`, `limit` and the page's counts."""

from config.api.pagination import positive_int
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

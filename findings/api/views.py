"""GET /v2/vulnerabilities (current findings, widgets) and /v2/hosts (the inventory)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.viewsets import ListMixin, ReadOnlyResourceViewSet
from findings.api import pages
from findings.api.base import FindingsViewSet
from findings.api.rows import listed_hosts, listed_vulnerabilities
from findings.api.serializers import HostSerializer, VulnerabilitySerializer
from findings.filtersets import HostFilterSet, VulnerabilityFilterSet
from findings.models import Finding, Host
from findings.services import list_counts, statistics


class VulnerabilityViewSet(ReadOnlyResourceViewSet, FindingsViewSet):
    queryset = Finding.objects.select_related("check_info", "host", "sighting")
    serializer_class = VulnerabilitySerializer
    filterset_class = VulnerabilityFilterSet
    # Most severe first, then the newest finding; equal severities by first_seen in both
    # directions (one index serves both). last_seen is the sighting's (findings.models).
    sort_fields = {"severity": ("severity", "first_seen"), "last_seen": "sighting__last_seen", "name": "name"}
    default_sort = ("-severity", "-first_seen")
    list_rows = staticmethod(listed_vulnerabilities)  # plain rows, the check and host columns joined

    def list_rows_shape(self):  # list_rows reads nothing but the page (config/api/page_rows.py)
        return ()

    def list(self, request):
        # The page is read as plain rows (list_rows): no related records to select, and the page
        # query, compiled once per request as the rows cache's key, stays short.
        queryset = self.filter_queryset(self.get_queryset()).select_related(None).filter(qod__gte=self.min_qod)
        return self.respond_list(pages.sightings_in_scope(queryset))

    def count_rows(self, queryset):
        return list_counts.counted(queryset, self.request.user, self.request.query_params)

    def page_of(self, queryset, total, offset, size):
        """A `q[name]=prefix*` page (see findings.api.pages), or None for the plain slice."""
        return pages.prefix_match_page(queryset, self.request.query_params.get("q[name]"), total, offset, size)

    @extend_schema(operation_id="vulnerabilities_total")
    @action(detail=False, methods=["get"])
    def total(self, request):
        shown = statistics.open_findings(self.findings(), self.min_qod)
        counts = statistics.level_counts(shown)
        total = sum(n for level, n in counts.items() if level != "false_positive")
        return Response({"data": {"severity_counts": counts, "total": total, "min_qod": self.min_qod}})

    @extend_schema(operation_id="vulnerabilities_top")
    @action(detail=False, methods=["get"])
    def top(self, request):
        shown = statistics.open_findings(self.findings(), self.min_qod)
        return Response({"data": statistics.top_checks(shown, self.limit())})

    @extend_schema(operation_id="vulnerabilities_pci_compliance")
    @action(detail=False, methods=["get"])
    def pci_compliance(self, request):
        from scanning.models import Scan

        shown = statistics.open_findings(self.findings(), self.min_qod)
        return Response({"data": statistics.pci_by_target(shown, self.scope(Scan.objects.all()))})


class HostViewSet(ListMixin, FindingsViewSet):
    queryset = Host.objects.all()
    serializer_class = HostSerializer
    filterset_class = HostFilterSet
    sort_fields = ("ip", "last_seen", "max_severity", "vulnerability_count")
    default_sort = ("-last_seen",)

    def list_rows(self, page):  # plain rows with their counted findings (findings/api/rows.py)
        return listed_hosts(page, self.min_qod)

    def list_rows_shape(self):  # list_rows reads the page and min_qod (config/api/page_rows.py)
        return (self.min_qod,)

    def host_counts(self, host_ids):
        shown = statistics.open_findings(self.findings().filter(host_id__in=host_ids), self.min_qod)
        return statistics.counts_by(shown, "host_id")

    def respond_hosts(self, hosts, **context):
        context = {**self.get_serializer_context(), "host_counts": self.host_counts([h.pk for h in hosts]), **context}
        return HostSerializer(hosts, many=True, context=context).data

    def filter_queryset(self, queryset):
        self.min_qod  # noqa: B018 - a bad min_qod is a 422 before anything is read
        return super().filter_queryset(queryset)

    def retrieve(self, request, pk=None):
        host = self.get_object()
        shown = statistics.open_findings(host.findings.select_related("check_info"), self.min_qod)
        vulnerabilities = [
            {"id": str(f.pk), "name": f.name or f.check_info.name, "nvt": f.nvt, "port": f.port_label, "severity": f.severity,
             "severity_level": f.severity_level, "status": f.status, "qod": f.qod}
            for f in shown.order_by("-severity", "nvt", "pk")
        ]
        return Response({"data": self.respond_hosts([host], vulnerabilities=vulnerabilities)[0]})

    @extend_schema(operation_id="hosts_most_vulnerable")
    @action(detail=False, methods=["get"])
    def most_vulnerable(self, request):
        """The hosts with the most severe, then the most, counted findings (`limit`, default 10)."""
        figures = statistics.counts_by(statistics.open_findings(self.findings(), self.min_qod), "host_id")
        ranked = sorted(figures, key=lambda pk: (-(figures[pk]["max_severity"] or 0), -figures[pk]["vulnerability_count"],
                                                 str(pk)))[: self.limit()]
        hosts = {h.pk: h for h in self.get_queryset().filter(pk__in=ranked)}
        page = [hosts[pk] for pk in ranked if pk in hosts]
        context = {**self.get_serializer_context(), "host_counts": figures}
        return Response({"data": HostSerializer(page, many=True, context=context).data})

"""GET /v2/vulnerabilities (current findings, widgets) and /v2/hosts (the inventory)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.rows import only_related
from findings.api.base import FindingsViewSet
from findings.api.params import search_cve, search_host, search_port
from findings.api.serializers import HostSerializer, VulnerabilitySerializer
from findings.models import Finding, Host
from findings.services import statistics


class VulnerabilityViewSet(FindingsViewSet):
    queryset = Finding.objects.select_related("check_info", "host")
    serializer_class = VulnerabilitySerializer
    sort_fields = {"severity": "severity", "last_seen": "last_seen", "name": "name"}
    default_sort = ("-severity", "-last_seen")
    date_field = "last_seen"

    @property
    def search_fields(self):
        return {"name": "name", "nvt": "nvt", "cve": search_cve, "host": search_host,
                "port": search_port, "severity_level": "severity_level", "status": "status",
                "scan_id": self.visible_scan_search()}

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset()).filter(qod__gte=self.min_qod)
        return self.respond_list(only_related(queryset, "check_info", "host__ip", "host__hostname"))

    def retrieve(self, request, pk=None):
        return self.respond(self.get_object())

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


class HostViewSet(FindingsViewSet):
    queryset = Host.objects.all()
    serializer_class = HostSerializer
    search_fields = {"ip": "ip", "hostname": "hostname", "os": "os"}
    sort_fields = ("ip", "last_seen", "max_severity", "vulnerability_count")
    default_sort = ("-last_seen",)
    date_field = "last_seen"

    def host_counts(self, host_ids):
        shown = statistics.open_findings(self.findings().filter(host_id__in=host_ids), self.min_qod)
        return statistics.counts_by(shown, "host_id")

    def respond_hosts(self, hosts, **context):
        context = {**self.get_serializer_context(), "host_counts": self.host_counts([h.pk for h in hosts]), **context}
        return HostSerializer(hosts, many=True, context=context).data

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        self.min_qod  # noqa: B018 - a bad min_qod is a 422 before anything is read
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.respond_hosts(page))

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

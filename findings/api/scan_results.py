"""The findings routes of a scan (GET /v2/scans/{id}/vulnerabilities[/{vulnerability_id}],
/statistics), mixed into scanning's ScanViewSet: the results of one run, the latest finished run
unless `history_id=` names another."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.uuids import parse_uuid
from findings.api.params import min_qod
from findings.api.serializers import ResultSerializer, port_label
from findings.filtersets import ResultFilterSet
from findings.models import Result
from findings.services import statistics
from findings.services.counts import empty_counts as run_counts  # a run's: with false_positive

RESULT_SORT = {"severity": "severity", "name": "name", "nvt": "nvt", "host": "ip", "port": "port",
               "created_at": "created_at"}


class ScanResultsMixin:
    """Needs the host view's `_hosts_run(scan)` (the run `history_id=` names, or the latest
    finished one) and `_runs(scan)`."""

    def _results(self, run):
        return Result.objects.filter(run=run) if run is not None else Result.objects.none()

    def run_host_ids(self, run, ips):
        from scanning.models import RunHost

        return dict(RunHost.objects.filter(run=run, ip__in=ips).values_list("ip", "id")) if ips else {}

    def run_host_counts(self, run, ips):
        """Counts of the listed run hosts from that run's results (GET /v2/scans/{id}/hosts)."""
        results = statistics.counted(self._results(run).filter(ip__in=ips), min_qod(self.request.query_params))
        return statistics.counts_by(results, "ip")

    def run_host_vulnerabilities(self, run_id, ip):
        """One run host's results (GET /v2/scans/{id}/hosts/{host_id}), in the shape the inventory
        host lists its findings; the ids are those of /v2/scans/{id}/vulnerabilities/{id}."""
        results = statistics.counted(Result.objects.filter(run_id=run_id, ip=ip), min_qod(self.request.query_params))
        return [
            {"id": str(r.pk), "name": r.name or r.check_info.name, "nvt": r.nvt, "port": port_label(r),
             "severity": r.severity, "severity_level": r.severity_level, "delta": r.delta, "qod": r.qod}
            for r in results.select_related("check_info").order_by("-severity", "nvt", "pk")
        ]

    @action(detail=True, methods=["get"])
    def vulnerabilities(self, request, pk=None):
        scan = self.get_object()
        lowest = min_qod(request.query_params)
        run = self._hosts_run(scan)
        queryset = self.filter_list(self._results(run).select_related("check_info", "finding"), ResultFilterSet,
                                    RESULT_SORT, default_sort=("-severity", "nvt")).filter(qod__gte=lowest)
        page = self.paginate_queryset(queryset)
        context = {"host_ids": self.run_host_ids(run, {r.ip for r in page})}
        return self.get_paginated_response(ResultSerializer(page, many=True, context=context).data)

    @extend_schema(operation_id="scans_vulnerability_retrieve")
    @action(detail=True, methods=["get"], url_path=r"vulnerabilities/(?P<vulnerability_id>[^/]+)")
    def vulnerability(self, request, pk=None, vulnerability_id=None):
        scan = self.get_object()
        result_id = parse_uuid(vulnerability_id)
        result = Result.objects.select_related("check_info", "finding").filter(scan=scan, pk=result_id).first() \
            if result_id else None
        if result is None:
            raise Http404
        context = {"host_ids": self.run_host_ids(result.run_id, {result.ip})}
        return Response({"data": ResultSerializer(result, context=context).data})

    @action(detail=True, methods=["get"], url_path="statistics")
    def statistics(self, request, pk=None):
        scan = self.get_object()
        lowest = min_qod(request.query_params)
        run = self._hosts_run(scan)
        if run is None:
            return Response({"data": {"history_id": None, "previous_history_id": None, "min_qod": lowest,
                                      "severity_counts": run_counts(), "vulnerability_count": 0,
                                      "max_severity": None, "by_host": [], "pci_status": None,
                                      "delta": {"new": 0, "fixed": 0, "persisting": 0}}})
        from scanning.choices import FINISHED_RUN_STATUSES

        previous = (self._runs(scan).filter(status__in=FINISHED_RUN_STATUSES, partial=False, created_at__lt=run.created_at)
                    .order_by("-created_at").first())
        return Response({"data": statistics.run_statistics(run, previous, self._results(run), lowest)})

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.uuids import parse_uuid
from config.api.viewsets import BulkDestroyMixin, ModelResourceViewSet
from findings.api.imports import ScanImportMixin
from findings.api.scan_results import ScanResultsMixin
from scanning.api.base import ScanningViewSet
from scanning.api.inputs import ScanInput, WizardInput
from scanning.api.rows import listed_runs, listed_scans
from scanning.api.serializers import RunHostSerializer, ScanRunSerializer, ScanSerializer
from scanning.choices import ACTIVE_RUN_STATUSES, FINISHED_RUN_STATUSES
from scanning.filtersets import RunHostFilterSet, ScanFilterSet, ScanRunFilterSet
from scanning.models import RunHost, Scan, ScanRun
from scanning.services import runs, scans


class ScanViewSet(ScanImportMixin, ScanResultsMixin, BulkDestroyMixin, ModelResourceViewSet, ScanningViewSet):
    queryset = Scan.objects.select_related("target", "scan_profile", "scanner", "schedule")
    serializer_class = ScanSerializer
    input_serializer_class = ScanInput
    resource_name = "scan"
    filterset_class = ScanFilterSet
    sort_fields = ("name", "created_at", "last_run_at", "next_run_at", "status")
    create_service = scans.create_scan
    update_service = scans.update_scan
    delete_service = scans.delete_scans
    # A listed scan is a plain row with only the names of its target, profile, scanner and
    # schedule: reading (and converting) those whole records was most of a page's time.
    count_with_page = True  # count and page in one round trip (config/api/viewsets.py)
    list_rows = staticmethod(listed_scans)

    def list_rows_shape(self):  # list_rows reads nothing but the page (config/api/page_rows.py)
        return ()

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        run = runs.start_scan(self.get_object(), request.user, triggered_by=self._trigger())
        return self.respond_run(run)

    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        return self.respond_run(runs.stop_scan(self.get_object(), request.user))

    def _trigger(self):
        return "api" if getattr(self.request.auth, "kind", "") in ("api_key", "access_token") else "user"

    def respond_run(self, run):
        run = ScanRun.objects.get(pk=run.pk)
        return Response({"data": ScanRunSerializer(run).data})

    @action(detail=False, methods=["get"])
    def upcoming(self, request):
        queryset = self.get_queryset().filter(next_run_at__gte=timezone.now()).order_by("next_run_at", "pk")
        return self.respond_list(queryset)

    @action(detail=False, methods=["get"])
    def recent(self, request):
        finished = ScanRun.objects.filter(scan_id__in=self.get_queryset().values("pk"), status__in=FINISHED_RUN_STATUSES)
        queryset = self.get_queryset().filter(pk__in=finished.values("scan_id")).order_by("-last_run_at", "-pk")
        return self.respond_list(queryset)

    @action(detail=False, methods=["get"])
    def running(self, request):
        return self.respond_list(self.get_queryset().filter(status__in=ACTIVE_RUN_STATUSES).order_by("-last_run_at", "-pk"))

    @action(detail=False, methods=["post"])
    def wizard(self, request):
        data = self.validated(serializer_class=WizardInput, data=self.payload("wizard"))
        scan = scans.run_wizard(request.user, dict(data))
        return self.respond(self.get_queryset().get(pk=scan.pk), status=201)

    # --- histories (runs) and their hosts ---
    def _runs(self, scan):  # a scan or its id
        return ScanRun.objects.filter(scan=scan)

    def _run(self, scan, history_id):
        run = self._runs(scan).filter(pk=parse_uuid(history_id)).first() if parse_uuid(history_id) else None
        if run is None:
            raise Http404
        return run

    def visible_scan_id(self):
        """The path's scan id when the caller may see the scan (else a 404), without reading it."""
        pk = parse_uuid(self.kwargs["pk"])
        if pk is None or not self.get_queryset().filter(pk=pk).exists():
            raise Http404
        return pk

    @action(detail=True, methods=["get"])
    def histories(self, request, pk=None):
        queryset = self.filter_list(self._runs(self.visible_scan_id()), ScanRunFilterSet,
                                    ("created_at", "started_at", "finished_at", "status"))
        page = self.paginator.paginate_queryset(queryset, request, view=self, rows=listed_runs)
        return self.get_paginated_response(ScanRunSerializer(page, many=True).data)

    @extend_schema(operation_id="scans_history_retrieve")
    @action(detail=True, methods=["get"], url_path=r"histories/(?P<history_id>[^/]+)")
    def history(self, request, pk=None, history_id=None):
        return Response({"data": ScanRunSerializer(self._run(self.get_object(), history_id)).data})

    def _hosts_run(self, scan):
        history_id = self.request.query_params.get("history_id")
        if history_id:
            return self._run(scan, history_id)
        return self._runs(scan).filter(status__in=FINISHED_RUN_STATUSES).order_by("-created_at").first()

    @action(detail=True, methods=["get"])
    def hosts(self, request, pk=None):
        run = self._hosts_run(self.get_object())
        queryset = RunHost.objects.filter(run=run) if run else RunHost.objects.none()
        queryset = self.filter_list(queryset, RunHostFilterSet, ("ip", "hostname", "created_at"), ("ip",))
        page = self.paginate_queryset(queryset)
        context = {"host_counts": self.run_host_counts(run, [h.ip for h in page]) if page else {}}
        return self.get_paginated_response(RunHostSerializer(page, many=True, context=context).data)

    @extend_schema(operation_id="scans_host_retrieve")
    @action(detail=True, methods=["get"], url_path=r"hosts/(?P<host_id>[^/]+)")
    def host(self, request, pk=None, host_id=None):
        scan = self.get_object()
        host = RunHost.objects.filter(run__scan=scan, pk=parse_uuid(host_id)).first() if parse_uuid(host_id) else None
        if host is None:
            raise Http404
        context = {"host_counts": self.run_host_counts(host.run_id, [host.ip]),
                   "vulnerabilities": self.run_host_vulnerabilities(host.run_id, host.ip)}
        return Response({"data": RunHostSerializer(host, context=context).data})

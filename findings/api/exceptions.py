"""/v2/exceptions: overrides of findings' severity. Reads for every role, writes for User and
above; every change goes through findings.services.exceptions, which re-evaluates the findings."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.errors import InvalidInput
from config.api.uuids import split_uuids
from config.api.viewsets import BulkDestroyMixin, ModelResourceViewSet
from findings.api.base import FindingsViewSet
from findings.api.inputs import ExceptionInput
from findings.api.serializers import ExceptionSerializer
from findings.filtersets import ExceptionFilterSet
from findings.models import FindingException
from findings.services import exceptions as exception_services
from findings.services import statistics

DETAILS_LIMIT = 1000  # findings listed by GET /v2/exceptions/{id}/details (the count is exact)


class ExceptionViewSet(BulkDestroyMixin, ModelResourceViewSet, FindingsViewSet):
    queryset = FindingException.objects.all()
    serializer_class = ExceptionSerializer
    input_serializer_class = ExceptionInput
    resource_name = "exception"
    filterset_class = ExceptionFilterSet
    sort_fields = ("created_at", "end_time")
    action_roles = {"details": "Viewer", "statistics": "Viewer"}
    create_service = exception_services.create_own_exception
    update_service = exception_services.update_exception
    delete_service = exception_services.delete_exceptions
    reread_after_write = True

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            from scanning.models import Scan

            user = self.request.user
            own = Scan.objects.filter(organization_id=user.organization_id, product=user.current_product())
            context["querysets"] = {"scans": own}
        return context

    def _switch(self, active):
        raw_ids = self.payload().get("ids")
        if not isinstance(raw_ids, list) or not raw_ids or not all(isinstance(raw, str) for raw in raw_ids):
            raise InvalidInput.field("ids", "must be a non-empty list of ids (strings)")
        valid, malformed = split_uuids(raw_ids)
        found = list(self.get_queryset().filter(pk__in=valid))
        found_ids = {str(e.pk) for e in found}
        changed = exception_services.set_active(self.request.user, found, active)
        return Response({"updated": changed, "ids": sorted(found_ids),
                         "not_found": [i for i in valid if i not in found_ids] + malformed})

    @action(detail=False, methods=["put"])
    def activate(self, request):
        return self._switch(True)

    @action(detail=False, methods=["put"])
    def reset(self, request):
        return self._switch(False)

    @extend_schema(operation_id="exceptions_details")
    @action(detail=True, methods=["get"])
    def details(self, request, pk=None):
        exception = self.get_object()
        # What it changes now: the findings it is applied to (none while reset or expired; where
        # several exceptions match a finding, the newest is the one applied).
        findings = self.findings().filter(exception=exception).select_related("check_info")
        body = self.serialize(exception)
        body["attributes"]["findings_count"] = findings.count()
        body["attributes"]["findings"] = [
            {"id": str(f.pk), "name": f.name or f.check_info.name, "nvt": f.nvt, "host": {"id": str(f.host_id), "ip": f.ip},
             "port": f.port_label, "severity": f.severity, "original_severity": f.original_severity,
             "severity_level": f.severity_level, "status": f.status}
            for f in findings.order_by("ip", "port", "pk")[:DETAILS_LIMIT]
        ]
        return Response({"data": body})

    @extend_schema(operation_id="exceptions_statistics")
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        return Response({"data": statistics.exception_statistics(self.get_queryset(), self.findings())})


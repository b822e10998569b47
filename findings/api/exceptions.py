"""/v2/exceptions: overrides of findings' severity. Reads for every role, writes for User and
above; every change goes through findings.services.exceptions, which re-evaluates the findings."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.errors import InvalidInput
from config.api.uuids import split_uuids
from config.api.viewsets import BulkDestroyMixin
from findings.api.base import FindingsViewSet
from findings.api.inputs import ExceptionInput
from findings.api.serializers import ExceptionSerializer
from findings.models import FindingException
from findings.services import statistics

DETAILS_LIMIT = 1000  # findings listed by GET /v2/exceptions/{id}/details (the count is exact)


def exception_services():
    from findings.services import exceptions

    return exceptions


class ExceptionViewSet(BulkDestroyMixin, FindingsViewSet):
    queryset = FindingException.objects.all()
    serializer_class = ExceptionSerializer
    input_serializer_class = ExceptionInput
    resource_name = "exception"
    sort_fields = ("created_at", "end_time")
    action_roles = {"details": "Viewer", "statistics": "Viewer"}

    @property
    def search_fields(self):
        return {"nvt": "nvt", "hosts": search_hosts, "active": "active", "scan_id": self.visible_scan_search()}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            from scanning.models import Scan

            user = self.request.user
            own = Scan.objects.filter(organization_id=user.organization_id, product=user.current_product())
            context["querysets"] = {"scans": own}
        return context

    def list(self, request):
        return self.respond_list(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, pk=None):
        return self.respond(self.get_object())

    def create(self, request):
        data = dict(self.validated())
        user = request.user
        exception = exception_services().create_exception(user, user.organization, user.current_product(), data)
        return self.respond(self.get_queryset().get(pk=exception.pk), status=201)

    def update(self, request, pk=None):
        exception = self.get_object()
        exception = exception_services().update_exception(request.user, exception, dict(self.validated(partial=True)))
        return self.respond(self.get_queryset().get(pk=exception.pk))

    partial_update = update

    def destroy(self, request, pk=None):
        exception_services().delete_exceptions(request.user, [self.get_object()])
        return Response({})

    def destroy_instances(self, instances):
        exception_services().delete_exceptions(self.request.user, instances)

    def _switch(self, active):
        raw_ids = self.payload().get("ids")
        if not isinstance(raw_ids, list) or not raw_ids or not all(isinstance(raw, str) for raw in raw_ids):
            raise InvalidInput.field("ids", "must be a non-empty list of ids (strings)")
        valid, malformed = split_uuids(raw_ids)
        found = list(self.get_queryset().filter(pk__in=valid))
        found_ids = {str(e.pk) for e in found}
        changed = exception_services().set_active(self.request.user, found, active)
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


def search_hosts(queryset, value):
    """`q[hosts]`: exceptions naming that address (an exact address; hosts is a JSON list)."""
    import ipaddress

    try:
        address = str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError("must be an IP address") from None
    return queryset.filter(hosts__icontains=f'"{address}"')

from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.services.permissions import permissions_for
from config.api.errors import Forbidden, InvalidInput
from config.api.rows import only_related
from config.api.viewsets import BulkDestroyMixin
from scanning.api.base import ScanningViewSet
from scanning.api.inputs import PortListInput, ScannerInput, ScheduleInput, TargetInput
from scanning.api.serializers import (
    PortListSerializer,
    ScannerSerializer,
    ScanProfileSerializer,
    ScheduleSerializer,
    TargetSerializer,
)
from scanning.models import PortList, Scanner, ScanProfile, Schedule, Target
from scanning.services import catalogue, schedules, targets
from scanning.targets import count_targets, parse_errors, parse_targets


def in_use_ids(model_field, ids):
    from scanning.models import Scan

    return set(Scan.objects.filter(**{f"{model_field}__in": ids}).values_list(model_field, flat=True))


class TargetViewSet(BulkDestroyMixin, ScanningViewSet):
    queryset = Target.objects.select_related("port_list")
    serializer_class = TargetSerializer
    input_serializer_class = TargetInput
    resource_name = "target"
    search_fields = {"name": "name", "hosts": "hosts", "comment": "comment"}
    sort_fields = ("name", "created_at", "host_count")
    action_roles = {"calculate_hosts": "Viewer"}  # computes, saves nothing

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["show_credentials"] = permissions_for(self.request.user, ["TARGET_ACCESS_CREDENTIALS"])["TARGET_ACCESS_CREDENTIALS"]
        return context

    def respond_list(self, queryset):
        page = self.paginate_queryset(only_related(queryset, "port_list__name"))  # the list shows its name
        context = {**self.get_serializer_context(), "in_use_ids": in_use_ids("target_id", [t.pk for t in page])}
        return self.get_paginated_response(TargetSerializer(page, many=True, context=context).data)

    def _fields(self, data):
        if "credentials" in data:
            allowed = permissions_for(self.request.user, ["TARGET_CREATE_CREDENTIALS"])["TARGET_CREATE_CREDENTIALS"]
            if not allowed:
                raise Forbidden("Your role does not allow setting target credentials")
        data.setdefault("port_list", None)
        if data["port_list"] is None:
            from scanning.services.scans import default_port_list

            data["port_list"] = default_port_list()
        return data

    def create(self, request):
        target = targets.create_target(request.user, self._fields(dict(self.validated())))
        return self.respond(target, status=201)

    def update(self, request, pk=None):
        target = self.get_object()
        data = dict(self.validated(partial=True))
        if "credentials" in data or "port_list" in data:
            data = self._fields(data)
        return self.respond(targets.update_target(request.user, target, data))

    partial_update = update

    def destroy(self, request, pk=None):
        targets.delete_targets(request.user, [self.get_object()])
        return Response({})

    def destroy_instances(self, instances):
        targets.delete_targets(self.request.user, instances)

    @action(detail=False, methods=["post"])
    def calculate_hosts(self, request):
        body = self.payload()
        hosts, exclude = body.get("hosts", ""), body.get("exclude_hosts", "")
        if not isinstance(hosts, str) or not isinstance(exclude, str):
            raise InvalidInput.field("hosts", "must be a string")
        errors = parse_errors(hosts, exclude)
        if errors:
            return Response({"host_count": 0, "hosts": [], "errors": errors})
        target_set = parse_targets(hosts, exclude)
        listed = list(target_set.addresses[:1000]) + list(target_set.hostnames[: max(0, 1000 - len(target_set.addresses))])
        return Response({"host_count": count_targets(hosts, exclude), "hosts": listed, "errors": {}})


class PortListViewSet(ScanningViewSet):
    """An organization's own lists plus the built-ins (read-only). Writes need `create_flag`."""

    queryset = PortList.objects.all()
    serializer_class = PortListSerializer
    input_serializer_class = PortListInput
    resource_name = "port_list"
    product_field = None
    search_fields = {"name": "name", "comment": "comment", "predefined": "predefined"}
    sort_fields = ("name", "created_at")
    default_sort = ("-predefined", "name")
    create_flag = "PORT_LIST_CREATE"
    save = staticmethod(catalogue.save_port_list)
    remove = staticmethod(catalogue.delete_port_list)

    def scope(self, queryset, organization_field=None):
        return self.shared_or_own(queryset)

    def create(self, request):
        self._require_flag()
        return self.respond(self.save(request.user, dict(self.validated())), status=201)

    def update(self, request, pk=None):
        instance = self.get_object()
        self._require_flag()
        return self.respond(self.save(request.user, dict(self.validated(partial=True)), instance))

    partial_update = update

    def destroy(self, request, pk=None):
        instance = self.get_object()
        self._require_flag()
        self.remove(request.user, instance)
        return Response({})

    def _require_flag(self):
        flag = self.create_flag
        if not permissions_for(self.request.user, [flag])[flag]:
            raise Forbidden(f"{flag} is required")


class ScannerViewSet(PortListViewSet):
    queryset = Scanner.objects.all()
    serializer_class = ScannerSerializer
    input_serializer_class = ScannerInput
    resource_name = "scanner"
    search_fields = {"name": "name", "type": "type", "status": "status"}
    create_flag = "SCANNER_CREATE"
    save = staticmethod(catalogue.save_scanner)
    remove = staticmethod(catalogue.delete_scanner)

    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        scanner = self.get_object()
        if not scanner.predefined:
            self._require_flag()  # it connects out to the registered host: whoever may register one
        return Response(catalogue.verify_scanner(scanner))


class ScanProfileViewSet(ScanningViewSet):
    queryset = ScanProfile.objects.filter(active=True)
    serializer_class = ScanProfileSerializer
    product_field = None
    search_fields = {"name": "name"}
    sort_fields = ("name", "created_at")
    default_sort = ("name",)

    def scope(self, queryset, organization_field=None):
        return queryset


class ScheduleViewSet(BulkDestroyMixin, ScanningViewSet):
    queryset = Schedule.objects.all()
    serializer_class = ScheduleSerializer
    input_serializer_class = ScheduleInput
    resource_name = "schedule"
    search_fields = {"name": "name", "frequency": "frequency"}
    sort_fields = ("name", "created_at", "next_run_at")

    def respond_list(self, queryset):
        page = self.paginate_queryset(only_related(queryset, "port_list__name"))  # the list shows its name
        context = {**self.get_serializer_context(), "in_use_ids": in_use_ids("schedule_id", [s.pk for s in page])}
        return self.get_paginated_response(ScheduleSerializer(page, many=True, context=context).data)

    def create(self, request):
        return self.respond(schedules.save_schedule(request.user, dict(self.validated())), status=201)

    def update(self, request, pk=None):
        schedule = self.get_object()
        return self.respond(schedules.save_schedule(request.user, dict(self.validated(partial=True)), schedule))

    partial_update = update

    def destroy(self, request, pk=None):
        schedules.delete_schedules(request.user, [self.get_object()])
        return Response({})

    def destroy_instances(self, instances):
        schedules.delete_schedules(self.request.user, instances)

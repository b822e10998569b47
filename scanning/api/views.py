from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.services.permissions import permissions_for
from config.api.errors import InvalidInput
from config.api.viewsets import BulkDestroyMixin, ModelResourceViewSet, ReadOnlyResourceViewSet
from scanning.api.base import ScanningViewSet, in_use_ids
from scanning.api.inputs import PortListInput, ScannerInput, ScheduleInput, TargetInput
from scanning.api.rows import listed_targets
from scanning.api.serializers import (
    PortListSerializer,
    ScannerSerializer,
    ScanProfileSerializer,
    ScheduleSerializer,
    TargetSerializer,
)
from scanning.filtersets import (
    PortListFilterSet,
    ScannerFilterSet,
    ScanProfileFilterSet,
    ScheduleFilterSet,
    TargetFilterSet,
)
from scanning.models import PortList, Scanner, ScanProfile, Schedule, Target
from scanning.services import catalogue, schedules, targets
from scanning.targets import count_targets, parse_errors, parse_targets


class TargetViewSet(BulkDestroyMixin, ModelResourceViewSet, ScanningViewSet):
    queryset = Target.objects.select_related("port_list")
    serializer_class = TargetSerializer
    input_serializer_class = TargetInput
    resource_name = "target"
    filterset_class = TargetFilterSet
    sort_fields = ("name", "created_at", "host_count")
    action_roles = {"calculate_hosts": "Viewer"}  # computes, saves nothing
    create_service = targets.create_target
    update_service = targets.update_target
    delete_service = targets.delete_targets

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["show_credentials"] = permissions_for(self.request.user, ["TARGET_ACCESS_CREDENTIALS"])["TARGET_ACCESS_CREDENTIALS"]
        return context

    count_with_page = True  # count and page in one round trip (config/api/viewsets.py)
    list_rows = staticmethod(listed_targets)  # plain rows, the port list's name and `in_use` in the same query

    def list_rows_shape(self):  # list_rows reads nothing but the page (config/api/page_rows.py)
        return ()

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



class PortListViewSet(ModelResourceViewSet, ScanningViewSet):
    """An organization's own lists plus the built-ins (read-only). Writes need `write_flag`."""

    queryset = PortList.objects.all()
    serializer_class = PortListSerializer
    input_serializer_class = PortListInput
    resource_name = "port_list"
    product_field = None
    filterset_class = PortListFilterSet
    sort_fields = ("name", "created_at")
    default_sort = ("-predefined", "name")
    write_flag = "PORT_LIST_CREATE"
    create_service = catalogue.create_port_list
    update_service = catalogue.update_port_list
    delete_service = catalogue.delete_port_lists

    def scope(self, queryset, organization_field=None):
        return self.shared_or_own(queryset)


class ScannerViewSet(PortListViewSet):
    queryset = Scanner.objects.all()
    serializer_class = ScannerSerializer
    input_serializer_class = ScannerInput
    resource_name = "scanner"
    filterset_class = ScannerFilterSet
    write_flag = "SCANNER_CREATE"
    create_service = catalogue.create_scanner
    update_service = catalogue.update_scanner
    delete_service = catalogue.delete_scanners

    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        scanner = self.get_object()
        if not scanner.predefined:
            self.check_write()  # it connects out to the registered host: whoever may register one
        return Response(catalogue.verify_scanner(scanner))


class ScanProfileViewSet(ReadOnlyResourceViewSet, ScanningViewSet):
    queryset = ScanProfile.objects.filter(active=True)
    serializer_class = ScanProfileSerializer
    product_field = None
    filterset_class = ScanProfileFilterSet
    sort_fields = ("name", "created_at")
    default_sort = ("name",)

    def scope(self, queryset, organization_field=None):
        return queryset


class ScheduleViewSet(BulkDestroyMixin, ModelResourceViewSet, ScanningViewSet):
    queryset = Schedule.objects.all()
    serializer_class = ScheduleSerializer
    input_serializer_class = ScheduleInput
    resource_name = "schedule"
    filterset_class = ScheduleFilterSet
    sort_fields = ("name", "created_at", "next_run_at")
    create_service = schedules.create_schedule
    update_service = schedules.update_schedule
    delete_service = schedules.delete_schedules

    def records_context(self, records):
        return {"in_use_ids": in_use_ids("schedule_id", records)} if self.action == "list" else {}

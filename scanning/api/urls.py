from scanning.api.scans import ScanViewSet
from scanning.api.views import PortListViewSet, ScannerViewSet, ScanProfileViewSet, ScheduleViewSet, TargetViewSet


def register(router):
    router.register("targets", TargetViewSet, basename="target")
    router.register("port_lists", PortListViewSet, basename="port-list")
    router.register("scanners", ScannerViewSet, basename="scanner")
    router.register("scan_profiles", ScanProfileViewSet, basename="scan-profile")
    router.register("schedules", ScheduleViewSet, basename="schedule")
    router.register("scans", ScanViewSet, basename="scan")

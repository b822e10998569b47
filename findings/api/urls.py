from findings.api.exceptions import ExceptionViewSet
from findings.api.views import HostViewSet, VulnerabilityViewSet


def register(router):
    router.register("vulnerabilities", VulnerabilityViewSet, basename="vulnerability")
    router.register("exceptions", ExceptionViewSet, basename="exception")
    router.register("hosts", HostViewSet, basename="host")

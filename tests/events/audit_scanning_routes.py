"""Valid requests for the scanning write routes (targets, port lists, scanners, schedules, scans),
for the audit-trail test (tests/events/test_audit_routes.py). They are made by the customer's
Manager: scanning records belong to the caller's own organization and active product, so the
customer gets the pci-standard subscription and the built-in port lists/scanner/profiles first.
No worker runs: the scan `stop` is asked about was started (its run handed to the queue) and
stays queued, the state a stop acts on at once."""

from scanning.builtins import sync_builtins
from scanning.models import PortList, Scanner, ScanProfile
from scanning.services.runs import start_scan
from tests.scanning.factories import PortListFactory, ScanFactory, ScannerFactory, ScheduleFactory, TargetFactory

SCHEDULE = {"name": "Nightly", "start_at": "2030-01-07T02:00:00", "timezone": "Europe/Athens", "frequency": "daily"}


def scanning_client(api, world):
    """The customer's Manager, with a PCI subscription and the built-in catalogue in place."""
    from organizations.catalogue import seed_catalogue
    from organizations.models import Plan
    from organizations.services.subscriptions import PlanRequest, subscribe

    seed_catalogue()  # with the products: a transactional test's flush may have removed them
    sync_builtins(PortList, Scanner, ScanProfile)
    if not world.customer.subscriptions.filter(plan__code="pci-standard").exists():
        subscribe(None, world.customer, PlanRequest(plan=Plan.objects.get(code="pci-standard")))
    return api.as_user(world.manager)


def _own(factory, world, **fields):
    return factory(organization=world.customer, **fields)


def _request(path, body, resource_type, make=None):
    """A builder. With `make`, `path` and `body` may be functions of the record `make(world)`
    returns (made after the catalogue is in place)."""

    def build(api, world):
        client = scanning_client(api, world)
        record = make(world) if make else None
        return client, path(record) if callable(path) else path, body(record) if callable(body) else body, resource_type

    return build


def _ids(record):
    return {"ids": [str(record.pk)]}


def _started_scan(world):
    """A scan whose run is queued: the start commits (its callbacks run) and no worker takes it."""
    from django.test import TestCase

    scan = _own(ScanFactory, world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        start_scan(scan, world.manager)
    return scan


def _wizard(api, world):
    client = scanning_client(api, world)
    return client, "/v2/scans/wizard", {"wizard": {"name": "Shop", "hosts": "192.0.2.10-12", "schedule": {
        k: v for k, v in SCHEDULE.items() if k != "name"}}}, "scan"


def _scan_create(api, world):
    client = scanning_client(api, world)
    return client, "/v2/scans", {"scan": {"name": "Quarterly", "target_id": str(_own(TargetFactory, world).pk)}}, "scan"


def scanning_requests():
    """key -> builder(api, world) -> (client, path, body, expected resource type)."""
    target = lambda w: _own(TargetFactory, w)  # noqa: E731
    port_list = lambda w: _own(PortListFactory, w)  # noqa: E731
    scanner = lambda w: _own(ScannerFactory, w)  # noqa: E731
    schedule = lambda w: _own(ScheduleFactory, w)  # noqa: E731
    scan = lambda w: _own(ScanFactory, w)  # noqa: E731
    return {
        "TargetViewSet.create": _request("/v2/targets", {"target": {"name": "Shop", "hosts": "192.0.2.1-4"}}, "target"),
        "TargetViewSet.update": _request(lambda t: f"/v2/targets/{t.pk}", {"target": {"name": "Renamed"}}, "target", target),
        "TargetViewSet.partial_update": _request(lambda t: f"/v2/targets/{t.pk}", {"comment": "DMZ"}, "target", target),
        "TargetViewSet.destroy": _request(lambda t: f"/v2/targets/{t.pk}", None, "target", target),
        "TargetViewSet.bulk_destroy": _request("/v2/targets", _ids, "target", target),
        "PortListViewSet.create": _request("/v2/port_lists", {"port_list": {"name": "Web", "port_ranges": "T:80,443"}}, "port_list"),
        "PortListViewSet.update": _request(lambda p: f"/v2/port_lists/{p.pk}", {"port_list": {"name": "Renamed"}}, "port_list",
                                           port_list),
        "PortListViewSet.partial_update": _request(lambda p: f"/v2/port_lists/{p.pk}", {"port_ranges": "1-1024"}, "port_list",
                                                   port_list),
        "PortListViewSet.destroy": _request(lambda p: f"/v2/port_lists/{p.pk}", None, "port_list", port_list),
        "ScannerViewSet.create": _request("/v2/scanners", {"scanner": {
            "name": "Greenbone DMZ", "type": "gvm", "host": "gvm.example.com", "port": 9390, "credential": "gmp-secret"}}, "scanner"),
        "ScannerViewSet.update": _request(lambda s: f"/v2/scanners/{s.pk}", {"scanner": {"name": "Renamed"}}, "scanner", scanner),
        "ScannerViewSet.partial_update": _request(lambda s: f"/v2/scanners/{s.pk}", {"max_concurrent_scans": 2}, "scanner", scanner),
        "ScannerViewSet.destroy": _request(lambda s: f"/v2/scanners/{s.pk}", None, "scanner", scanner),
        "ScannerViewSet.verify": _request(lambda s: f"/v2/scanners/{s.pk}/verify", {}, "scanner", scanner),  # built-in type: online
        "ScheduleViewSet.create": _request("/v2/schedules", {"schedule": SCHEDULE}, "schedule"),
        "ScheduleViewSet.update": _request(lambda s: f"/v2/schedules/{s.pk}", {"schedule": {"name": "Renamed"}}, "schedule", schedule),
        "ScheduleViewSet.partial_update": _request(lambda s: f"/v2/schedules/{s.pk}", {"frequency": "weekly"}, "schedule", schedule),
        "ScheduleViewSet.destroy": _request(lambda s: f"/v2/schedules/{s.pk}", None, "schedule", schedule),
        "ScheduleViewSet.bulk_destroy": _request("/v2/schedules", _ids, "schedule", schedule),
        "ScanViewSet.create": _scan_create,
        "ScanViewSet.update": _request(lambda s: f"/v2/scans/{s.pk}", {"scan": {"name": "Renamed", "max_hosts": 5}}, "scan", scan),
        "ScanViewSet.partial_update": _request(lambda s: f"/v2/scans/{s.pk}", {"comment": "weekly"}, "scan", scan),
        "ScanViewSet.destroy": _request(lambda s: f"/v2/scans/{s.pk}", None, "scan", scan),
        "ScanViewSet.bulk_destroy": _request("/v2/scans", _ids, "scan", scan),
        "ScanViewSet.wizard": _wizard,
        "ScanViewSet.start": _request(lambda s: f"/v2/scans/{s.pk}/start", {}, "scan", scan),
        "ScanViewSet.stop": _request(lambda s: f"/v2/scans/{s.pk}/stop", {}, "scan", _started_scan),
    }

"""More rows for each list route of /v2 (tests/api/test_query_counts.py): `grow(seeded, n)` adds
`n` rows the route's caller sees (tests/api/schema_routes.py seeds the first ones). Catalogue
lists (plans, products, profiles, preferences, event names) hold several rows already."""

from django.utils import timezone

from events.models import AuditEvent, Notification, Webhook, WebhookDelivery
from organizations.models import Plan
from organizations.services.subscriptions import PlanRequest, subscribe
from reports.models import AdvancedReport
from tests.factories import OrganizationFactory, UserFactory
from tests.findings.factories import ExceptionFactory, FindingFactory, HostFactory
from tests.scanning.factories import (
    PortListFactory,
    RunHostFactory,
    ScanFactory,
    ScannerFactory,
    ScanRunFactory,
    ScheduleFactory,
    TargetFactory,
)


def _times(make):
    def grow(s, n):
        for i in range(n):
            make(s, i)
    return grow


def _own(factory, **fields):
    return _times(lambda s, i: factory(organization=s.world.customer, **fields))


def _more_subscriptions(s, n):
    """The customer's second product (vrms): one more live subscription of each list's kind."""
    if not s.world.customer.subscriptions.filter(plan__code="vrms-standard").exists():
        subscribe(None, s.world.customer, PlanRequest(plan=Plan.objects.get(code="vrms-standard")))


def _runs(status):
    return _times(lambda s, i: ScanRunFactory(scan=ScanFactory(organization=s.world.customer), status=status,
                                              finished_at=timezone.now() if status == "done" else None))


def _report(s, i):
    from tests.reports.conftest import make_run

    make_run(s.world.customer, hosts=1, per_host=1)


GROWERS = {
    "/v2/advanced_reports": _times(lambda s, i: AdvancedReport.objects.create(
        organization=s.world.customer, product="pci", name=f"Saved {i}")),
    "/v2/audit/events": _times(lambda s, i: AuditEvent.objects.create(
        action="update", resource_type="user", resource_id=str(s.world.user.pk), organization_id=s.world.customer.pk,
        actor_id=s.world.admin.pk, source="api")),
    "/v2/exceptions": _own(ExceptionFactory),
    "/v2/hosts": _own(HostFactory),
    "/v2/notifications": _times(lambda s, i: Notification.objects.create(
        user=s.world.manager, kind="system", event="x", title=f"t{i}", dedupe_key=f"k{i}")),
    "/v2/organizations": _times(lambda s, i: OrganizationFactory()),
    "/v2/organizations/{id}/subscriptions": _more_subscriptions,
    "/v2/organizations/{id}/subscriptions/active": _more_subscriptions,
    "/v2/organizations/{id}/dependent_subscriptions": _more_subscriptions,
    "/v2/port_lists": _own(PortListFactory),
    "/v2/reports": _times(_report),
    "/v2/scan_profiles": None,
    "/v2/scanners": _own(ScannerFactory),
    "/v2/scans": _own(ScanFactory),
    "/v2/scans/{id}/histories": _times(lambda s, i: ScanRunFactory(scan=s.scan)),
    "/v2/scans/{id}/hosts": _times(lambda s, i: RunHostFactory(run=s.run, organization=s.world.customer,
                                                                ip=f"192.0.2.{100 + i}")),
    "/v2/scans/{id}/vulnerabilities": None,  # the seeded run has four results
    "/v2/scans/recent": _runs("done"),
    "/v2/scans/running": _runs("running"),
    "/v2/scans/upcoming": _times(lambda s, i: ScanFactory(
        organization=s.world.customer, schedule=ScheduleFactory(organization=s.world.customer),
        next_run_at=timezone.now() + timezone.timedelta(days=1 + i))),
    "/v2/schedules": _own(ScheduleFactory),
    "/v2/subscriptions/plans": None,
    "/v2/subscriptions/products": None,
    "/v2/targets": _own(TargetFactory),
    "/v2/user/active_plans": _more_subscriptions,
    "/v2/user/members": _times(lambda s, i: UserFactory(organization=s.world.customer, role="User")),
    "/v2/user/preferences": None,
    "/v2/user/products": _more_subscriptions,
    "/v2/user/subscriptions_history": _more_subscriptions,
    "/v2/users": _times(lambda s, i: UserFactory(organization=s.world.customer, role="User")),
    "/v2/vulnerabilities": _own(FindingFactory),
    "/v2/webhook_events": None,
    "/v2/webhooks": _times(lambda s, i: Webhook.objects.create(
        organization=s.world.customer, name=f"Hook {i}", url="https://93.184.215.14/h", events=["ping"])),
    "/v2/webhooks/{id}/deliveries": _times(lambda s, i: WebhookDelivery.objects.create(
        webhook=s.webhook, event="ping", payload={"event": "ping"})),
}

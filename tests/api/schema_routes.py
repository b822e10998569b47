"""A seeded database and one real request for every GET operation of /v2/schema, for the tests
that compare the schema with real answers (tests/api/test_schema_bodies.py) and pin query counts
(tests/api/test_query_counts.py). Write operations reuse the audit-trail requests
(tests/events/audit_routes.py). A GET operation missing here fails those tests."""

from dataclasses import dataclass

from django.conf import settings
from django.test import TestCase

from accounts.models import TokenPurpose
from accounts.services import one_time_tokens
from events.models import AuditEvent, Notification, Webhook, WebhookDelivery
from findings.models import Result
from reports.models import AdvancedReport
from tests.events.audit_scanning_routes import scanning_client
from tests.factories import UserFactory
from tests.findings.factories import ExceptionFactory, FindingFactory, HostFactory
from tests.scanning.factories import PortListFactory, RunHostFactory, ScannerFactory, ScheduleFactory, TargetFactory


@dataclass
class Seeded:
    """One record of each kind, in the customer's organization (pci product)."""

    world: object
    report: object
    run: object
    scan: object
    run_host: object
    result: object
    finding: object
    host: object
    exception: object
    target: object
    port_list: object
    scanner: object
    schedule: object
    webhook: object
    delivery: object
    notification: object
    advanced: object
    audit_event: object
    subscription: object


def seed(api, world):
    """The customer's Manager with a PCI subscription, and a finished run with hosts and results."""
    from tests.reports.conftest import make_run

    scanning_client(api, world)
    report = make_run(world.customer, hosts=2, per_host=2)
    run, scan = report.run, report.run.scan
    with TestCase.captureOnCommitCallbacks(execute=True):
        webhook = Webhook.objects.create(organization=world.customer, name="Hook", url="https://93.184.215.14/h",
                                         events=["ping"])
    return Seeded(
        world=world, report=report, run=run, scan=scan,
        run_host=RunHostFactory(run=run, organization=world.customer, ip="192.0.2.1"),
        result=Result.objects.filter(run=run).first(),
        finding=FindingFactory(organization=world.customer), host=HostFactory(organization=world.customer),
        exception=ExceptionFactory(organization=world.customer), target=TargetFactory(organization=world.customer),
        port_list=PortListFactory(organization=world.customer), scanner=ScannerFactory(organization=world.customer),
        schedule=ScheduleFactory(organization=world.customer), webhook=webhook,
        delivery=WebhookDelivery.objects.create(webhook=webhook, event="ping", payload={"event": "ping"}),
        notification=Notification.objects.create(user=world.manager, kind="system", event="x", title="t", dedupe_key="k"),
        advanced=AdvancedReport.objects.create(organization=world.customer, product="pci", name="Saved"),
        audit_event=AuditEvent.objects.create(action="update", resource_type="user", resource_id=str(world.user.pk),
                                              organization_id=world.customer.pk, actor_id=world.admin.pk, source="api"),
        subscription=world.customer.subscriptions.first(),
    )


def _token(purpose, ttl_setting):
    def path(s, route):
        user = UserFactory(organization=s.world.customer, role="User")
        raw = one_time_tokens.issue(user, purpose, getattr(settings, ttl_setting), email=user.email)
        return f"{route}?{'confirmation_token' if purpose == TokenPurpose.CONFIRMATION else 'invitation_token' if purpose == TokenPurpose.INVITATION else 'token'}={raw}"
    return path


# "GET <schema path>" -> (caller attribute of the world or None, path(seeded))
GET_ROUTES = {
    "/auth/confirmation": (None, lambda s: _token(TokenPurpose.CONFIRMATION, "CONFIRMATION_TOKEN_TTL")(s, "/auth/confirmation")),
    "/auth/invitation": (None, lambda s: _token(TokenPurpose.INVITATION, "INVITATION_TOKEN_TTL")(s, "/auth/invitation")),
    "/auth/sso_link": (None, lambda s: _token(TokenPurpose.SSO_LINK, "SSO_LINK_TTL")(s, "/auth/sso_link")),
    "/v2/advanced_reports": ("manager", lambda s: "/v2/advanced_reports"),
    "/v2/advanced_reports/{id}": ("manager", lambda s: f"/v2/advanced_reports/{s.advanced.pk}"),
    "/v2/audit/events": ("admin", lambda s: "/v2/audit/events"),
    "/v2/audit/events/{id}": ("admin", lambda s: f"/v2/audit/events/{s.audit_event.pk}"),
    "/v2/exceptions": ("manager", lambda s: "/v2/exceptions"),
    "/v2/exceptions/{id}": ("manager", lambda s: f"/v2/exceptions/{s.exception.pk}"),
    "/v2/exceptions/{id}/details": ("manager", lambda s: f"/v2/exceptions/{s.exception.pk}/details"),
    "/v2/exceptions/statistics": ("manager", lambda s: "/v2/exceptions/statistics"),
    "/v2/hosts": ("manager", lambda s: "/v2/hosts"),
    "/v2/hosts/{id}": ("manager", lambda s: f"/v2/hosts/{s.host.pk}"),
    "/v2/hosts/most_vulnerable": ("manager", lambda s: "/v2/hosts/most_vulnerable"),
    "/v2/notifications": ("manager", lambda s: "/v2/notifications"),
    "/v2/notifications/{id}": ("manager", lambda s: f"/v2/notifications/{s.notification.pk}"),
    "/v2/organizations": ("admin", lambda s: "/v2/organizations"),
    "/v2/organizations/{id}": ("admin", lambda s: f"/v2/organizations/{s.world.customer.pk}"),
    "/v2/organizations/{id}/subscriptions": ("admin", lambda s: f"/v2/organizations/{s.world.customer.pk}/subscriptions"),
    "/v2/organizations/{id}/subscriptions/{subscription_id}": (
        "admin", lambda s: f"/v2/organizations/{s.world.customer.pk}/subscriptions/{s.subscription.pk}"),
    "/v2/organizations/{id}/subscriptions/active": (
        "admin", lambda s: f"/v2/organizations/{s.world.customer.pk}/subscriptions/active"),
    "/v2/organizations/{id}/dependent_subscriptions": (
        "admin", lambda s: f"/v2/organizations/{s.world.partner_org.pk}/dependent_subscriptions"),
    "/v2/port_lists": ("manager", lambda s: "/v2/port_lists"),
    "/v2/port_lists/{id}": ("manager", lambda s: f"/v2/port_lists/{s.port_list.pk}"),
    "/v2/reports": ("manager", lambda s: "/v2/reports"),
    "/v2/reports/{id}": ("manager", lambda s: f"/v2/reports/{s.report.pk}"),
    "/v2/reports/{id}/file_exists": ("manager", lambda s: f"/v2/reports/{s.report.pk}/file_exists?format=csv&type=detailed"),
    "/v2/scan_profiles": ("manager", lambda s: "/v2/scan_profiles"),
    "/v2/scan_profiles/{id}": ("manager", lambda s: f"/v2/scan_profiles/{s.scan.scan_profile_id}"),
    "/v2/scanners": ("manager", lambda s: "/v2/scanners"),
    "/v2/scanners/{id}": ("manager", lambda s: f"/v2/scanners/{s.scanner.pk}"),
    "/v2/scans": ("manager", lambda s: "/v2/scans"),
    "/v2/scans/{id}": ("manager", lambda s: f"/v2/scans/{s.scan.pk}"),
    "/v2/scans/{id}/histories": ("manager", lambda s: f"/v2/scans/{s.scan.pk}/histories"),
    "/v2/scans/{id}/histories/{history_id}": ("manager", lambda s: f"/v2/scans/{s.scan.pk}/histories/{s.run.pk}"),
    "/v2/scans/{id}/hosts": ("manager", lambda s: f"/v2/scans/{s.scan.pk}/hosts"),
    "/v2/scans/{id}/hosts/{host_id}": ("manager", lambda s: f"/v2/scans/{s.scan.pk}/hosts/{s.run_host.pk}"),
    "/v2/scans/{id}/statistics": ("manager", lambda s: f"/v2/scans/{s.scan.pk}/statistics"),
    "/v2/scans/{id}/vulnerabilities": ("manager", lambda s: f"/v2/scans/{s.scan.pk}/vulnerabilities"),
    "/v2/scans/{id}/vulnerabilities/{vulnerability_id}": (
        "manager", lambda s: f"/v2/scans/{s.scan.pk}/vulnerabilities/{s.result.pk}"),
    "/v2/scans/recent": ("manager", lambda s: "/v2/scans/recent"),
    "/v2/scans/running": ("manager", lambda s: "/v2/scans/running"),
    "/v2/scans/upcoming": ("manager", lambda s: "/v2/scans/upcoming"),
    "/v2/schedules": ("manager", lambda s: "/v2/schedules"),
    "/v2/schedules/{id}": ("manager", lambda s: f"/v2/schedules/{s.schedule.pk}"),
    "/v2/subscriptions/plans": ("manager", lambda s: "/v2/subscriptions/plans"),
    "/v2/subscriptions/plans/{id}": ("manager", lambda s: f"/v2/subscriptions/plans/{s.subscription.plan_id}"),
    "/v2/subscriptions/products": ("manager", lambda s: "/v2/subscriptions/products"),
    "/v2/targets": ("manager", lambda s: "/v2/targets"),
    "/v2/targets/{id}": ("manager", lambda s: f"/v2/targets/{s.target.pk}"),
    "/v2/user/active_plans": ("manager", lambda s: "/v2/user/active_plans"),
    "/v2/user/can_be_deleted": ("manager", lambda s: "/v2/user/can_be_deleted"),
    "/v2/user/me": ("manager", lambda s: "/v2/user/me?products=true&details=true&current_plan=true"),
    "/v2/user/members": ("manager", lambda s: "/v2/user/members"),
    "/v2/user/organization": ("manager", lambda s: "/v2/user/organization"),
    "/v2/user/permissions": ("manager", lambda s: "/v2/user/permissions"),
    "/v2/user/preferences": ("manager", lambda s: "/v2/user/preferences"),
    "/v2/user/products": ("manager", lambda s: "/v2/user/products"),
    "/v2/user/subscriptions_history": ("manager", lambda s: "/v2/user/subscriptions_history"),
    "/v2/user/validate_token": ("manager", lambda s: "/v2/user/validate_token"),
    "/v2/users": ("manager", lambda s: "/v2/users"),
    "/v2/users/{id}": ("manager", lambda s: f"/v2/users/{s.world.user.pk}"),
    "/v2/vulnerabilities": ("manager", lambda s: "/v2/vulnerabilities"),
    "/v2/vulnerabilities/{id}": ("manager", lambda s: f"/v2/vulnerabilities/{s.finding.pk}"),
    "/v2/vulnerabilities/pci_compliance": ("manager", lambda s: "/v2/vulnerabilities/pci_compliance"),
    "/v2/vulnerabilities/top": ("manager", lambda s: "/v2/vulnerabilities/top"),
    "/v2/vulnerabilities/total": ("manager", lambda s: "/v2/vulnerabilities/total"),
    "/v2/webhook_events": ("manager", lambda s: "/v2/webhook_events"),
    "/v2/webhooks": ("manager", lambda s: "/v2/webhooks"),
    "/v2/webhooks/{id}": ("manager", lambda s: f"/v2/webhooks/{s.webhook.pk}"),
    "/v2/webhooks/{id}/deliveries": ("manager", lambda s: f"/v2/webhooks/{s.webhook.pk}/deliveries"),
    "/v2/webhooks/{id}/deliveries/{delivery_id}": ("manager", lambda s: f"/v2/webhooks/{s.webhook.pk}/deliveries/{s.delivery.pk}"),
    "/v2/whitelabel": ("partner", lambda s: "/v2/whitelabel"),
    "/v2/whitelabel_settings": ("admin", lambda s: "/v2/whitelabel_settings"),
}
# File downloads: their bodies are the files (tests/reports); the schema documents them as binary.
FILE_ROUTES = {"/v2/advanced_reports/{id}/download", "/v2/reports/{id}/download", "/v2/organizations/export"}

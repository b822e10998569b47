"""Every write route leaves an audit trail: the test walks the URLconf, so routes added later are
covered automatically (see tests/events/audit_routes.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import AuditEvent
from tests.events.audit_findings_routes import Upload
from tests.events.audit_routes import NOT_AUDITED, requests_table, unsafe_routes

ROUTES = unsafe_routes()
REQUESTS = requests_table()


AUDITED = [(key, method, regex) for key, method, regex, _ in ROUTES if key not in NOT_AUDITED]


def test_every_route_left_out_exists_and_every_request_is_a_route():
    """The routes left out of the walk (with their reason) and the requests table name real
    routes: a renamed action cannot hide behind a stale entry."""
    keys = {key for key, _, _, _ in ROUTES}
    assert set(NOT_AUDITED) <= keys, set(NOT_AUDITED) - keys
    assert set(REQUESTS) <= keys, set(REQUESTS) - keys


@pytest.mark.parametrize(("key", "method", "regex"), AUDITED, ids=[f"{m.upper()} {r}" for _, m, r in AUDITED])
def test_every_write_route_is_audited(api, world, key, method, regex, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    builder = REQUESTS.get(key)
    assert builder is not None, f"no request known for {key} {method.upper()} {regex}: add one to tests/events/audit_routes.py"
    client, path, body, expected = builder(api, world)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    if isinstance(body, Upload):
        response = getattr(client.client, method)(path, dict(body), **client.headers)
    else:
        response = client._call(method, path, body)
    assert 200 <= response.status_code < 300, f"{method.upper()} {path} answered {response.status_code}: {response.content[:300]!r}"
    if response.json().get("deleted") == 0:
        pytest.fail(f"the request to {key} deleted nothing: its builder must name a record")
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.exists(), f"{method.upper()} {path} left no audit event"
    if expected:
        assert new.filter(resource_type=expected).exists(), list(new.values("action", "resource_type"))
    for event in new:
        assert event.request_id and event.request_id == response["X-Request-Id"]


@pytest.mark.django_db(transaction=True)
def test_scanning_writes_are_audited_once_their_transactions_commit(api, world):
    """The walk above runs in the test transaction, so the services' `emit()` on commit never
    fires there. Here the writes commit: each scanning route still leaves its audit event (the
    emitted one, `scan_created`, `stop_scan`..., or the route's), once per record, with the
    request id. Scan start/stop: the started scan's run is queued (no worker), then stopped."""
    from tests.events.audit_scanning_routes import scanning_requests

    methods = {key: method for key, method, _, _ in ROUTES}
    for key, builder in scanning_requests().items():
        client, path, body, expected = builder(api, world)
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        response = client._call(methods[key], path, body)
        assert 200 <= response.status_code < 300, (key, response.status_code, response.content[:300])
        new = list(AuditEvent.objects.exclude(pk__in=before).values("action", "resource_type", "resource_id", "request_id"))
        assert any(row["resource_type"] == expected for row in new), (key, new)
        assert {row["request_id"] for row in new} == {response["X-Request-Id"]}, (key, new)
        records = [(row["resource_type"], row["resource_id"]) for row in new]
        assert len(records) == len(set(records)), f"{key} recorded a record twice: {new}"


def test_update_records_the_changed_fields_with_secrets_masked(api, world):
    client = api.as_user(world.admin)
    response = client.put(f"/v2/users/{world.user.pk}", {"user": {"first_name": "Zed", "city": "Athens"}},
                          HTTP_USER_AGENT="audit-test/1.0", HTTP_X_REQUEST_ID="req-123")
    assert response.status_code == 200 and response["X-Request-Id"] == "req-123"
    event = AuditEvent.objects.get(action="update", resource_type="user")
    assert event.resource_id == str(world.user.pk)
    assert event.changes["first_name"][1] == "Zed" and event.changes["city"] == ["", "Athens"]
    assert event.actor_id == world.admin.pk and event.actor_username == "admin"
    assert event.organization_id == world.customer.pk  # the resource's organization, not the actor's
    assert event.ip == "127.0.0.1" and event.user_agent == "audit-test/1.0" and event.request_id == "req-123"

    hook = client.post("/v2/webhooks", {"name": "x", "url": "https://93.184.215.14/", "events": ["ping"],
                                        "secret": "topsecret"}).json()["data"]
    client.put(f"/v2/webhooks/{hook['id']}", {"secret": "another"})
    changes = AuditEvent.objects.get(action="update", resource_type="webhook").changes
    assert changes["secret_encrypted"] == ["[FILTERED]", "[FILTERED]"]
    assert "topsecret" not in str(AuditEvent.objects.values_list("changes", "data"))


def test_failed_writes_and_reads_are_not_audited(api, world):
    client = api.as_user(world.manager)
    client.get("/v2/users")
    client.put(f"/v2/users/{world.other_user.pk}", {"first_name": "x"})  # 404
    client.post("/v2/webhooks", {"name": "x"})  # 422
    assert not AuditEvent.objects.exists()


def test_request_id_is_returned_and_bad_ones_replaced(api, world):
    response = api.as_user(world.user).get("/v2/user/me")
    assert len(response["X-Request-Id"]) == 32
    weird = api.get("/v2/user/me", HTTP_X_REQUEST_ID="bad id\u00e9<script>")
    assert weird["X-Request-Id"] != "bad id\u00e9<script>" and weird.status_code == 401
    assert api.get("/healthz")["X-Request-Id"]


def test_sign_in_events(api, world):
    assert api.post("/auth/sign_in", {"username": "plainuser", "password": "wrong-password"}).status_code == 401
    assert api.post("/auth/sign_in", {"username": "plainuser", "password": "correct-horse-battery"}).status_code == 200
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert failed.actor_id is None and failed.ip == "127.0.0.1" and failed.organization_id == world.customer.pk
    signed_in = AuditEvent.objects.get(action="sign_in")
    assert signed_in.actor_id == world.user.pk and signed_in.resource_id == str(world.user.pk)
    assert AuditEvent.objects.count() == 2  # the route's own record is merged into `sign_in`


def test_impersonation_is_flagged_on_every_event(api, world):
    token = api.as_user(world.admin).post(f"/v2/users/{world.user.pk}/impersonate").json()["token"]
    impersonating = api.as_user(None)
    impersonating.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert impersonating.put("/v2/user/me", {"user": {"first_name": "Imp"}}).status_code == 200
    event = AuditEvent.objects.get(action="update", resource_type="user", actor_id=world.user.pk)
    assert event.actor_id == world.user.pk
    assert event.impersonator_id == world.admin.pk and event.impersonator_username == "admin"
    assert AuditEvent.objects.filter(action="impersonate", resource_id=str(world.user.pk)).exists()


@pytest.mark.parametrize("path,field", [("/v2/user/me", "first_name"), ("/v2/organizations/{org}", "city")])
def test_recording_adds_a_constant_number_of_queries(api, world, path, field, settings):
    """The same update with and without the audit middleware: at most the old row's read, the
    organization lookup and the one insert more (savepoints of the test transaction not counted)."""
    path = path.format(org=world.customer.pk)

    def cost(client, value):
        client.put(path, {field: value + "-warm"})
        with CaptureQueriesContext(connection) as queries:
            assert client.put(path, {field: value}).status_code == 200
        return len([q for q in queries if "SAVEPOINT" not in q["sql"]])

    audited = cost(api.as_user(world.admin), "audited")
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "events.middleware.RequestContextMiddleware"]
    plain = cost(api.as_user(world.admin), "plain")  # a new test client loads the new middleware list
    assert AuditEvent.objects.filter(changes__has_key=field).exists() if connection.vendor == "postgresql" else True
    assert 1 <= audited - plain <= 3, f"audit recording cost {audited - plain} queries ({plain} -> {audited})"


def test_bulk_delete_records_one_event_per_record_in_one_insert(api, world):
    from tests.factories import UserFactory

    victims = [UserFactory(role="User", organization=world.customer) for _ in range(5)]
    with CaptureQueriesContext(connection) as queries:
        response = api.as_user(world.admin).delete("/v2/users", {"ids": [str(v.pk) for v in victims]})
    assert response.status_code == 200
    events = AuditEvent.objects.filter(action="delete", resource_type="user")
    assert {e.resource_id for e in events} == {str(v.pk) for v in victims}
    assert {e.organization_id for e in events} == {world.customer.pk}
    inserts = [q for q in queries if q["sql"].startswith("INSERT") and "events_auditevent" in q["sql"]]
    assert len(inserts) == 1


def test_admin_changes_are_audited(client, world):
    client.force_login(world.admin)
    response = client.post(f"/admin/organizations/organization/{world.customer.pk}/change/", {
        "name": "Renamed Customer", "company_name": world.customer.company_name, "description": "", "parent": world.partner_org.pk,
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0", "subscriptions-TOTAL_FORMS": "0",
        "subscriptions-INITIAL_FORMS": "0", "email": "", "contact_email": "",
    })
    assert response.status_code == 302, f"the organization admin form changed: update this test ({response.content[:2000]!r})"
    event = AuditEvent.objects.get(source="admin", action="update")
    assert event.resource_type == "organization" and event.changes["name"] == ["Customer Org", "Renamed Customer"]


def test_admin_webhook_add_and_delete_are_audited(client, world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    client.force_login(world.admin)
    response = client.post("/admin/events/webhook/add/", {
        "name": "From admin", "organization": world.customer.pk, "url": "https://93.184.215.14/x",
        "events": '["ping"]', "active": "on", "new_secret": "adm1n-secret",
        "deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content[:2000]
    created = AuditEvent.objects.get(source="admin", action="create")
    assert created.resource_type == "webhook" and created.organization_id == world.customer.pk
    assert created.changes["name"] == [None, "From admin"] and created.changes["new_secret"] == [None, "[FILTERED]"]
    from events.models import Webhook

    hook = Webhook.objects.get(name="From admin")
    client.post("/admin/events/webhook/", {"action": "delete_selected", "_selected_action": [hook.pk], "post": "yes"})
    assert AuditEvent.objects.filter(source="admin", action="delete", resource_id=str(hook.pk)).exists()
    refused = client.post("/admin/events/webhook/add/", {
        "name": "Bad", "organization": world.customer.pk, "url": "http://127.0.0.1/x", "events": '["ping"]',
        "deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"})
    assert refused.status_code == 200 and b"loopback" in refused.content

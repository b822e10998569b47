"""GET /v2/audit/events: visibility (Managers: their organization; partners: their customers;
Admin: everything; 404 across organizations), filters, append-only, pruning."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import AuditEvent
from tests.api_mixins import assert_error, assert_list_envelope


def make_event(organization, action="update", **extra):
    return AuditEvent.objects.create(organization_id=getattr(organization, "pk", organization), action=action,
                                     resource_type="target", resource_id=str(uuid.uuid4()), **extra)


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["data"]}


def test_visibility_per_role(api, world):
    own, customer_of_partner, other = make_event(world.customer), make_event(world.partner_org), make_event(world.other_org)
    platform = make_event(None, action="sign_in_failed")
    assert ids(api.as_user(world.manager).get("/v2/audit/events")) == {str(own.pk)}
    assert ids(api.as_user(world.partner).get("/v2/audit/events")) == {str(own.pk), str(customer_of_partner.pk)}
    assert ids(api.as_user(world.admin).get("/v2/audit/events")) == {str(e.pk) for e in (own, customer_of_partner, other, platform)}
    for user in (world.user, world.viewer):
        assert_error(api.as_user(user).get("/v2/audit/events"), 403)
    assert_error(api.as_user(world.manager).get(f"/v2/audit/events/{other.pk}"), 404)
    assert_error(api.as_user(world.partner).get(f"/v2/audit/events/{other.pk}"), 404)
    assert api.as_user(world.partner).get(f"/v2/audit/events/{own.pk}").status_code == 200
    assert_error(api.get("/v2/audit/events"), 401)


def test_shape_of_an_event(api, world):
    event = make_event(world.customer, actor_id=world.manager.pk, actor_username="manager", ip="10.0.0.9",
                       user_agent="curl/8", request_id="abc", changes={"name": ["a", "b"]})
    body = api.as_user(world.manager).get(f"/v2/audit/events/{event.pk}").json()["data"]
    assert body["type"] == "audit_event"
    attributes = body["attributes"]
    assert attributes["actor"] == {"id": str(world.manager.pk), "username": "manager"}
    assert attributes["changes"] == {"name": ["a", "b"]} and attributes["ip"] == "10.0.0.9"
    assert set(attributes) >= {"action", "impersonator", "organization", "resource_type", "resource_id", "resource_repr",
                               "user_agent", "request_id", "created_at"}


def test_filters(api, world):
    hit = make_event(world.customer, action="delete", actor_id=world.manager.pk, ip="192.0.2.7")
    make_event(world.customer, action="create", ip="198.51.100.1")
    old = make_event(world.customer, action="create")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    client = api.as_user(world.manager)
    assert ids(client.get("/v2/audit/events", {"q[action]": "delete"})) == {str(hit.pk)}
    assert ids(client.get("/v2/audit/events", {"q[actor_id]": str(world.manager.pk)})) == {str(hit.pk)}
    assert ids(client.get("/v2/audit/events", {"q[resource_id]": hit.resource_id})) == {str(hit.pk)}
    assert ids(client.get("/v2/audit/events", {"q[ip]": "192.0.2.7"})) == {str(hit.pk)}
    assert ids(client.get("/v2/audit/events", {"q[resource_type]": "target"})) == {str(e.pk) for e in AuditEvent.objects.all()}
    assert str(old.pk) not in ids(client.get("/v2/audit/events", {"relative_date_range": "30d"}))
    assert_error(client.get("/v2/audit/events", {"q[actor_id]": "nope"}), 422, "q[actor_id]")
    assert_error(client.get("/v2/audit/events", {"q[user_agent]": "x"}), 422, "q[user_agent]")
    assert_list_envelope(client.get("/v2/audit/events", {"sort_by": "action asc"}).json(), "audit_event")


def test_append_only(api, world):
    event = make_event(world.customer)
    client = api.as_user(world.admin)
    for method in ("put", "delete", "patch"):
        assert client._call(method, f"/v2/audit/events/{event.pk}", {}).status_code == 405
    assert client.post("/v2/audit/events", {}).status_code == 405
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.parametrize("role", ["admin", "partner", "manager"])
def test_list_query_count_does_not_grow_with_page_size(api, world, role):
    for _ in range(30):
        make_event(world.customer)
    client = api.as_user(getattr(world, role))
    client.get("/v2/audit/events", {"per_page": 1})
    counts = []
    for per_page in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/v2/audit/events", {"per_page": per_page}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_prune_audit_deletes_old_events_in_batches(world, capsys):
    now = timezone.now()
    for days in (1, 10, 100, 400, 500):
        make_event(world.customer)
    AuditEvent.objects.filter(pk__in=list(AuditEvent.objects.values_list("pk", flat=True)[:3])).update(
        created_at=now - timedelta(days=100))
    call_command("prune_audit", "--days", "30", "--batch-size", "2")
    assert AuditEvent.objects.count() == 2
    assert "Deleted 3 audit event(s) older than 30 day(s)." in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("prune_audit", "--days", "-1")


def test_audit_admin_is_read_only_and_never_counts_the_whole_table(client, world):
    for _ in range(3):
        make_event(world.customer)
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/events/auditevent/")
    assert response.status_code == 200
    assert not any("COUNT(*)" in q["sql"].upper() and "events_auditevent" in q["sql"] for q in queries)
    assert client.get("/admin/events/auditevent/add/").status_code == 403
    event = AuditEvent.objects.first()
    assert client.post(f"/admin/events/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403

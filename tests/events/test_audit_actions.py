"""Audit actions as resources.md names them (issue 13, item 10): `create` / `update` / `delete`
for every resource (never `target_created` or `schedule_saved`), the impersonator on writes made
while impersonating, `export` for every export, and notification deletes audited."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from events.models import AuditEvent, Notification
from tests.events.audit_scanning_routes import SCHEDULE, scanning_client

GENERIC_EVENT_NAMES = ("_created", "_saved", "_updated", "_deleted")


def new_rows(before):
    return list(AuditEvent.objects.exclude(pk__in=before).values(
        "action", "resource_type", "resource_id", "impersonator_id", "organization_id"))


def snapshot():
    return set(AuditEvent.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_resources_are_created_updated_and_deleted(api, world):
    client = scanning_client(api, world)
    before = snapshot()
    target = client.post("/v2/targets", {"name": "Web", "hosts": "192.0.2.10", "alive_test": "consider_alive"})
    assert target.status_code == 201, target.content
    schedule = client.post("/v2/schedules", SCHEDULE).json()["data"]["id"]
    client.put(f"/v2/schedules/{schedule}", {"name": "Weekly"})
    client.delete(f"/v2/schedules/{schedule}")
    rows = new_rows(before)
    actions = [(row["resource_type"], row["action"]) for row in rows]
    assert ("target", "create") in actions
    assert sorted(a for t, a in actions if t == "schedule") == ["create", "delete", "update"], actions
    assert not [a for _, a in actions if a.endswith(GENERIC_EVENT_NAMES)], actions


@pytest.mark.django_db(transaction=True)
def test_writes_while_impersonating_carry_the_impersonator(api, world):
    scanning_client(api, world)
    token = api.as_user(world.admin).post(f"/v2/users/{world.manager.pk}/impersonate").json()["token"]
    impersonating = api.as_user(None)
    impersonating.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    before = snapshot()
    response = impersonating.post("/v2/targets", {"name": "Imp", "hosts": "192.0.2.11", "alive_test": "consider_alive"})
    assert response.status_code == 201, response.content
    assert impersonating.put("/v2/user/me", {"user": {"first_name": "Imp"}}).status_code == 200
    rows = new_rows(before)
    assert rows and all(row["impersonator_id"] == world.admin.pk for row in rows), rows


@pytest.mark.django_db
def test_every_export_is_an_export_event(api, world):
    before = snapshot()
    response = api.as_user(world.manager).get("/v2/organizations/export")
    b"".join(response.streaming_content)
    call_command("export_organizations", stdout=StringIO())
    admin = Client()
    admin.force_login(world.admin)
    admin.post("/admin/organizations/organization/", {"action": "export_csv", "_selected_action": [str(world.customer.pk)]})
    rows = [row for row in new_rows(before) if row["action"] == "export"]
    assert len(rows) == 3, new_rows(before)


@pytest.mark.django_db
def test_deleting_a_notification_is_audited_without_errors(api, world, caplog):
    note = Notification.objects.create(user=world.user, organization_id=world.customer.pk, kind="system",
                                       event="ping", title="Hello", dedupe_key="n1")
    before = snapshot()
    with caplog.at_level(logging.ERROR, logger="events"):
        assert api.as_user(world.user).delete(f"/v2/notifications/{note.pk}").status_code == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    rows = new_rows(before)
    assert [(r["action"], r["resource_type"], r["resource_id"]) for r in rows] == [("delete", "notification", str(note.pk))]
    assert rows[0]["organization_id"] == world.customer.pk

"""Notifications: created from events per user preferences, one per event per user, e-mailed with
the effective branding, and reachable by their owner only."""

import uuid

import pytest
from django.core import mail

from events.emit import emit
from events.models import Notification, Whitelabel
from tests.api_mixins import DeleteTests, ListTests, RetrieveTests, assert_error, assert_list_envelope
from tests.events.conftest import run_worker


def make_notification(user, **extra):
    values = {"kind": "scan_event", "event": "scan_completed", "title": "Scan done", "dedupe_key": str(uuid.uuid4())}
    return Notification.objects.create(user=user, organization_id=user.organization_id, **{**values, **extra})


class TestNotificationsApi(ListTests, RetrieveTests, DeleteTests):
    collection = "/v2/notifications"
    resource_type = "notification"
    write_roles = ("User", "Manager", "Partner", "Admin")

    def make(self, world, organization):
        user = {world.customer.pk: world.manager, world.other_org.pk: world.other_manager,
                world.partner_org.pk: world.partner, world.staff.pk: world.admin}[organization.pk]
        return make_notification(user)

    def visible_row(self, world, user):
        return make_notification(user)


def test_only_the_owner_sees_a_notification(api, world):
    note = make_notification(world.user)
    for stranger in (world.manager, world.partner, world.admin, world.other_user):
        client = api.as_user(stranger)
        assert_error(client.get(f"/v2/notifications/{note.pk}"), 404)
        assert_error(client.put(f"/v2/notifications/{note.pk}/read"), 404)
        assert_error(client.put(f"/v2/notifications/{note.pk}/seen"), 404)
        assert_error(client.delete(f"/v2/notifications/{note.pk}"), 404)
        assert str(note.pk) not in client.get("/v2/notifications").content.decode()
    assert api.as_user(world.user).get(f"/v2/notifications/{note.pk}").status_code == 200


def test_read_and_seen_marks(api, world):
    first, second = make_notification(world.viewer), make_notification(world.viewer, kind="report_event")
    other = make_notification(world.manager)
    client = api.as_user(world.viewer)  # a Viewer may mark its own notifications
    attributes = client.put(f"/v2/notifications/{first.pk}/seen").json()["data"]["attributes"]
    assert attributes["seen"] is True and attributes["read"] is False and attributes["seen_at"]
    attributes = client.put(f"/v2/notifications/{first.pk}/read").json()["data"]["attributes"]
    assert attributes["read"] is True and attributes["read_at"]
    assert client.put("/v2/notifications/read_all").json() == {"updated": 1}
    assert client.put("/v2/notifications/seen_all").json() == {"updated": 0}
    second.refresh_from_db(), other.refresh_from_db()
    assert second.read and second.seen and not other.read


def test_list_filters(api, world):
    make_notification(world.user, kind="report_event")
    make_notification(world.user, read=True, seen=True)
    client = api.as_user(world.user)
    body = client.get("/v2/notifications", {"q[kind]": "report_event"}).json()
    assert_list_envelope(body, "notification")
    assert [n["attributes"]["kind"] for n in body["data"]] == ["report_event"]
    assert len(client.get("/v2/notifications", {"q[read]": "true"}).json()["data"]) == 1
    assert len(client.get("/v2/notifications", {"q[seen]": "false"}).json()["data"]) == 1
    assert_error(client.get("/v2/notifications", {"q[title]": "x"}), 422, "q[title]")
    assert_error(client.get("/v2/notifications", {"q[read]": "maybe"}), 422, "q[read]")


def test_viewer_cannot_delete(api, world):
    note = make_notification(world.viewer)
    assert_error(api.as_user(world.viewer).delete(f"/v2/notifications/{note.pk}"), 403)


@pytest.mark.django_db(transaction=True)
def test_events_notify_members_in_app_and_by_email_with_branding(api, world):
    Whitelabel.objects.create(organization=world.partner_org, company_name="Acme Security",
                              email_sender_name="Acme Alerts", email_sender_address="alerts@acme.test",
                              support_email="help@acme.test")
    emit("scan_completed", world.customer, organization=world.customer, title="Scan Weekly completed")
    members = {world.manager, world.user, world.viewer}
    assert {n.user for n in Notification.objects.all()} == members
    assert Notification.objects.get(user=world.user).title == "Scan Weekly completed"
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in members)
    message = mail.outbox[0]
    assert message.from_email == "Acme Alerts <alerts@acme.test>"
    assert message.subject.startswith("[Acme Security]") and message.reply_to == ["help@acme.test"]
    html = message.alternatives[0][0]
    assert "Acme Security" in html and "Scan Weekly completed" in html


@pytest.mark.django_db(transaction=True)
def test_preference_off_means_no_notification(api, world):
    client = api.as_user(world.user)
    response = client.put("/v2/user/preferences/notifications/scan_event",
                          {"preference": {"enabled": True, "in_app": False, "email": False}})
    assert response.status_code == 200, response.content
    api.as_user(world.viewer).put("/v2/user/preferences/notifications/scan_event",
                                  {"preference": {"in_app": True, "email": False}})
    emit("scan_completed", world.customer, organization=world.customer)
    assert not Notification.objects.filter(user=world.user).exists()
    assert Notification.objects.filter(user=world.viewer).exists()
    run_worker()
    recipients = {m.to[0] for m in mail.outbox}
    assert world.user.email not in recipients and world.viewer.email not in recipients
    assert world.manager.email in recipients


@pytest.mark.django_db(transaction=True)
def test_default_preferences_keep_exception_events_out_of_email(world):
    emit("exception_created", world.customer, organization=world.customer)
    assert Notification.objects.filter(kind="exception_event").count() == 3
    run_worker()
    assert mail.outbox == []


def test_one_notification_per_event_per_user(world):
    emit("report_generated", world.customer, organization=world.customer, dedupe_key="report:1")
    emit("report_generated", world.customer, organization=world.customer, dedupe_key="report:1")
    assert Notification.objects.filter(user=world.manager).count() == 1
    emit("report_generated", world.customer, organization=world.customer, recipients=[world.manager, world.manager])
    assert Notification.objects.filter(user=world.manager).count() == 2
    assert Notification.objects.filter(user=world.user).count() == 1


def test_events_without_a_notification_kind_notify_nobody(world):
    emit("scan_started", world.customer, organization=world.customer)
    emit("sign_in", world.manager, actor=world.manager)
    assert not Notification.objects.exists()


def test_overdue_pci_reminder(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from events import registry
    from events.services.pci import send_reminders

    assert send_reminders() == 0  # no PCI verdict source registered: nothing is overdue
    now = timezone.now()
    source = lambda: [(world.customer.pk, now - timedelta(days=120)), (world.other_org.pk, now - timedelta(days=3))]  # noqa: E731
    registry.register_pci_verdict_source(source)
    try:
        assert send_reminders() == 1
        assert send_reminders() == 1  # same day: the notification is not repeated
        notes = Notification.objects.filter(kind="overdue_pci_reminder")
        assert {n.user_id for n in notes} == {world.manager.pk, world.user.pk, world.viewer.pk}
        assert "90 days" in notes.first().message
    finally:
        registry._pci_sources.remove(source)

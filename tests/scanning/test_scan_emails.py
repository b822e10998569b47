"""Scan e-mails (issue 13, item 12): only active members whose address is confirmed and who
asked for scan e-mails get one, and its link opens the scan on the configured SITE_URL (a route
that exists), not the bare site root."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import resolve

from accounts.services.preferences import update_preference
from events.emit import emit
from tests.events.conftest import run_worker
from tests.factories import UserFactory

from .factories import ScanFactory

pytestmark = [pytest.mark.usefixtures("subscribed"), pytest.mark.django_db(transaction=True)]


def test_scan_emails_go_to_active_confirmed_members_who_asked_with_a_link_that_exists(api, world, settings):
    settings.SITE_URL = "http://scan.example.test:9000"
    unconfirmed = UserFactory(username="unconfirmed", role="User", organization=world.customer, confirmed=False)
    inactive = UserFactory(username="gone", role="User", organization=world.customer, is_active=False)
    update_preference(world.viewer, "scan_event", {"email": False})
    scan = ScanFactory(organization=world.customer, name="Weekly")
    emit("scan_completed", scan, organization=world.customer)
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.manager.email, world.user.email])
    for address in (unconfirmed.email, inactive.email, world.viewer.email, world.other_user.email, world.partner.email):
        assert address not in {m.to[0] for m in mail.outbox}
    message = mail.outbox[0]
    link = f"http://scan.example.test:9000/v2/scans/{scan.pk}"
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    path = urlsplit(link).path
    assert resolve(path).url_name == "scan-detail"
    opened = api.as_user(world.manager).get(path)
    assert opened.status_code == 200 and opened.json()["data"]["attributes"]["name"] == "Weekly"


def test_a_member_who_left_before_the_mail_is_sent_gets_none(world):
    scan = ScanFactory(organization=world.customer)
    emit("scan_failed", scan, organization=world.customer, error="boom")
    world.user.organization = world.other_org  # moved between the event and the worker
    world.user.save(update_fields=["organization"])
    world.manager.confirmed = False  # or changed to an address not confirmed yet
    world.manager.save(update_fields=["confirmed"])
    run_worker()
    assert {m.to[0] for m in mail.outbox} == {world.viewer.email}


def test_a_resource_without_a_route_links_to_the_notifications(settings):
    from events.services.mail import resource_link

    settings.SITE_URL = "https://scan.example.com/"
    assert resource_link("no_such_thing", "1") == "https://scan.example.com/v2/notifications"
    assert resource_link("", "") == "https://scan.example.com/v2/notifications"

"""What a webhook receives for the findings events (events.md: `data` is the resource in the
API's attributes form): the same values a GET of that resource answers right after the event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Webhook, WebhookDelivery
from findings.services.exceptions import create_exception, expire_exceptions
from tests.scanning.factories import ScanFactory, TargetFactory

from .importers.test_import_api import HOSTS, upload
from .ingest_support import TELNET, complete_run, host, new_scan

pytestmark = pytest.mark.usefixtures("subscribed")


@pytest.fixture
def hook(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    return Webhook.objects.create(organization=world.customer, name="receiver", url="http://127.0.0.1:9/hook",
                                  events=["exception_expired", "scan_completed"])


def payload(event):
    return WebhookDelivery.objects.get(event=event).payload["data"]


def test_exception_expired_carries_the_exception_as_it_is_once_expired(api, world, hook, django_capture_on_commit_callbacks):
    complete_run(new_scan(world.customer), [host("192.0.2.1", TELNET), host("192.0.2.2", TELNET)])
    end = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        exception = create_exception(world.user, world.customer, "pci",
                                     {"text": "Accepted", "nvt": TELNET, "new_severity": 0.0, "end_time": end.isoformat()})
    assert exception.affected_count == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_exceptions(now=end) == 1
    sent = payload("exception_expired")
    shown = api.as_user(world.viewer).get(f"/v2/exceptions/{exception.pk}").json()["data"]["attributes"]
    assert (sent["active"], sent["expired"], sent["affected_count"]) == (False, True, 0)
    assert sent == shown


def test_scan_completed_says_error_as_the_run_does(api, world, hook, django_capture_on_commit_callbacks):
    scan = ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=HOSTS))
    client = api.as_user(world.user)
    with django_capture_on_commit_callbacks(execute=True):
        run = upload(client, scan, "nessus_v2.nessus", "nessus").json()["data"]
    sent = payload("scan_completed")
    shown = client.get(f"/v2/scans/{scan.pk}/histories/{run['id']}").json()["data"]["attributes"]
    assert sent["history_id"] == run["id"]
    for name in ("error", "severity_counts", "max_severity", "pci_status", "delta", "partial"):
        assert sent[name] == shown[name], name
    assert sent["error"] is None

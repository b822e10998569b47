"""Webhook retries are visible (issue 13, item 11): a pending delivery shows when it is tried
(`next_attempt_at`: at once when queued, the retry's time after a failure, null once settled),
and the retries happen at those times, against a real HTTP receiver that fails, then succeeds."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from events.emit import emit
from tests.events.conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def the_delivery(client, hook_id):
    [delivery] = client.get(f"/v2/webhooks/{hook_id}/deliveries").json()["data"]
    attributes = delivery["attributes"]
    return attributes, parse_datetime(attributes["next_attempt_at"]) if attributes["next_attempt_at"] else None


def test_pending_and_retried_deliveries_show_their_next_attempt(api, world, receivers, private_targets):
    receiver = receivers(statuses=[503, 200])
    client = api.as_user(world.manager)
    hook = client.post("/v2/webhooks", {"webhook": {"name": "R", "url": receiver.url, "events": ["scan_completed"]}})
    hook_id = hook.json()["data"]["id"]
    start = timezone.now()
    emit("scan_completed", world.customer, organization=world.customer)

    attributes, next_at = the_delivery(client, hook_id)  # queued, not tried yet
    assert attributes["attempts"] == 0 and next_at is not None and abs(next_at - start) < timedelta(seconds=5)

    run_worker()  # the first attempt fails: a retry a minute later is announced
    attributes, next_at = the_delivery(client, hook_id)
    assert (attributes["attempts"], attributes["response_status"], attributes["succeeded"]) == (1, 503, None)
    assert timedelta(seconds=55) < next_at - start < timedelta(seconds=70)

    with time_machine.travel(next_at - timedelta(seconds=5), tick=True):
        run_worker()  # not due yet: nothing sent
    assert len(receiver.requests) == 1
    with time_machine.travel(next_at + timedelta(seconds=1), tick=True):
        run_worker()  # due: sent, and the receiver now answers 200
    attributes, next_at = the_delivery(client, hook_id)
    assert len(receiver.requests) == 2
    assert (attributes["attempts"], attributes["succeeded"], next_at) == (2, True, None)

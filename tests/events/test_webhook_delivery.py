"""Webhooks end to end: created through the API, delivered by the real task worker to a real HTTP
receiver on 127.0.0.1, signatures checked independently of the product's code."""

import hashlib
import hmac
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.emit import emit
from events.models import Notification, Webhook, WebhookDelivery
from tests.events.conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def create_webhook(client, url, events=("scan_completed",), **extra):
    response = client.post("/v2/webhooks", {"webhook": {"name": "Receiver", "url": url, "events": list(events), **extra}})
    assert response.status_code == 201, response.content
    return response.json()["data"]


def deliveries(client, webhook_id):
    response = client.get(f"/v2/webhooks/{webhook_id}/deliveries")
    assert response.status_code == 200
    return response.json()["data"]


def test_signed_delivery_reaches_the_receiver(api, world, receivers, private_targets):
    receiver = receivers()
    client = api.as_user(world.manager)
    hook = create_webhook(client, receiver.url, secret="s3cret-key")
    assert hook["attributes"]["secret_set"] is True
    assert "secret" not in hook["attributes"]

    emit("scan_completed", world.customer, organization=world.customer, scan_name="Weekly")
    run_worker()

    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    expected = "sha256=" + hmac.new(b"s3cret-key", got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-CG-Hook-Signature"] == expected
    assert got.headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"CloneGuard-Hook/[0-9a-f]{7,40}", got.headers["User-Agent"])
    assert got.headers["X-CG-Hook-Event"] == "scan_completed"
    body = got.json
    assert set(body) == {"event", "delivery_id", "occurred_at", "organization", "data"}
    assert body["event"] == "scan_completed"
    assert body["organization"] == {"id": str(world.customer.pk), "name": "Customer Org"}
    assert body["data"]["scan_name"] == "Weekly"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["occurred_at"])
    assert got.headers["X-CG-Hook-Delivery"] == body["delivery_id"]

    [logged] = deliveries(client, hook["id"])
    attributes = logged["attributes"]
    assert logged["id"] == body["delivery_id"] == attributes["delivery_id"]
    assert attributes["succeeded"] is True and attributes["attempts"] == 1
    assert attributes["response_status"] == 200 and attributes["response_body"] == '{"ok": true}'
    assert attributes["duration_ms"] is not None and attributes["next_attempt_at"] is None
    assert client.get(f"/v2/webhooks/{hook['id']}").json()["data"]["attributes"]["last_status"] == 200


def test_no_signature_header_without_a_secret(api, world, receivers, private_targets):
    receiver = receivers()
    create_webhook(api.as_user(world.manager), receiver.url)
    emit("scan_completed", world.customer, organization=world.customer)
    run_worker()
    assert "X-CG-Hook-Signature" not in receiver.requests[0].headers


def test_two_failures_then_success_takes_three_attempts(api, world, receivers, private_targets):
    receiver = receivers(statuses=[500, 500, 200])
    client = api.as_user(world.manager)
    hook = create_webhook(client, receiver.url, secret="k")
    start = timezone.now()
    emit("scan_completed", world.customer, organization=world.customer)
    run_worker()
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.attempts == 1 and delivery.succeeded is None
    assert timedelta(seconds=55) < delivery.next_attempt_at - start < timedelta(seconds=70)

    run_worker()  # the retry is not due yet
    assert len(receiver.requests) == 1
    with time_machine.travel(start + timedelta(seconds=65), tick=True):
        run_worker()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.response_status == 500
    assert timedelta(minutes=4) < delivery.next_attempt_at - start < timedelta(minutes=7)
    assert Webhook.objects.get(pk=hook["id"]).state == "failing"
    with time_machine.travel(start + timedelta(minutes=7), tick=True):
        run_worker()

    assert len(receiver.requests) == 3
    assert len({r.headers["X-CG-Hook-Delivery"] for r in receiver.requests}) == 1  # one delivery, retried
    [logged] = deliveries(client, hook["id"])
    assert logged["attributes"]["attempts"] == 3 and logged["attributes"]["succeeded"] is True
    assert Webhook.objects.get(pk=hook["id"]).state == "active"  # a success heals it


def test_always_failing_webhook_ends_disabled_and_its_owner_is_told(api, world, receivers, private_targets):
    private_targets.WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    receiver = receivers(statuses=[503])
    client = api.as_user(world.manager)
    hook = create_webhook(client, receiver.url)
    emit("scan_completed", world.customer, organization=world.customer)
    run_worker()
    assert len(receiver.requests) == 4  # the first try and 3 retries
    delivery = WebhookDelivery.objects.get()
    assert delivery.succeeded is False and delivery.attempts == 4 and delivery.next_attempt_at is None
    assert Webhook.objects.get(pk=hook["id"]).state == "failing"

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1), tick=True):
        emit("scan_completed", world.customer, organization=world.customer)
        run_worker()
    webhook = Webhook.objects.get(pk=hook["id"])
    assert webhook.state == "disabled" and webhook.active is False
    assert len(receiver.requests) == 5  # nothing more once disabled
    notice = Notification.objects.get(user=world.manager, event="webhook_disabled")
    assert notice.kind == "system" and "Receiver" in notice.title
    assert [m.to for m in mail.outbox if "Receiver" in m.subject] == [[world.manager.email]]

    # Re-enabling is a PUT.
    response = client.put(f"/v2/webhooks/{hook['id']}", {"webhook": {"active": True}})
    assert response.json()["data"]["attributes"]["state"] == "active"


def test_test_ping_is_sent_now_and_not_retried(api, world, receivers, private_targets):
    ok, failing = receivers(), receivers(statuses=[500])
    client = api.as_user(world.manager)
    good = create_webhook(client, ok.url, secret="abc")
    response = client.post(f"/v2/webhooks/{good['id']}/test")
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["type"] == "webhook_delivery" and data["attributes"]["succeeded"] is True
    assert ok.requests[0].headers["X-CG-Hook-Event"] == "ping"
    assert ok.requests[0].json["data"]["webhook_id"] == good["id"]

    bad = create_webhook(client, failing.url)
    attributes = client.post(f"/v2/webhooks/{bad['id']}/test").json()["data"]["attributes"]
    assert attributes["succeeded"] is False and attributes["response_status"] == 500
    assert attributes["next_attempt_at"] is None
    run_worker()
    assert len(failing.requests) == 1
    assert Webhook.objects.get(pk=bad["id"]).state == "active"  # tests do not count as failures


def test_redeliver_sends_the_same_event_again(api, world, receivers, private_targets):
    receiver = receivers()
    client = api.as_user(world.manager)
    hook = create_webhook(client, receiver.url)
    emit("scan_completed", world.customer, organization=world.customer)
    run_worker()
    [first] = deliveries(client, hook["id"])
    response = client.post(f"/v2/webhooks/{hook['id']}/deliveries/{first['id']}/redeliver")
    assert response.status_code == 202, response.content
    copy = response.json()["data"]
    assert copy["id"] != first["id"] and copy["attributes"]["status"] == "pending"
    run_worker()
    assert [r.headers["X-CG-Hook-Delivery"] for r in receiver.requests] == [first["id"], copy["id"]]
    assert receiver.requests[1].json["delivery_id"] == copy["id"]


def test_partner_webhooks_can_subscribe_to_customer_events(api, world, receivers, private_targets):
    everything, own_only, stranger = receivers(), receivers(), receivers()
    create_webhook(api.as_user(world.partner), everything.url, include_customers=True)
    create_webhook(api.as_user(world.partner), own_only.url)
    create_webhook(api.as_user(world.other_manager), stranger.url)
    emit("scan_completed", world.customer, organization=world.customer)
    run_worker()
    assert len(everything.requests) == 1
    assert everything.requests[0].json["organization"]["id"] == str(world.customer.pk)
    assert own_only.requests == [] and stranger.requests == []


def test_redirects_are_not_followed_and_answers_are_cut_to_2_kb(api, world, receivers, private_targets):
    target = receivers()
    redirecting = receivers(statuses=[302], redirect_to=target.url, body=b"x" * 5000)
    client = api.as_user(world.manager)
    hook = create_webhook(client, redirecting.url)
    attributes = client.post(f"/v2/webhooks/{hook['id']}/test").json()["data"]["attributes"]
    assert attributes["response_status"] == 302 and attributes["succeeded"] is False
    assert len(attributes["response_body"]) == 2048
    assert target.requests == []


def test_delivery_rechecks_the_target(api, world, receivers, private_targets):
    """DNS rebinding: a URL that was fine when saved is checked again when sending."""
    receiver = receivers()
    hook = create_webhook(api.as_user(world.manager), receiver.url)
    private_targets.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    emit("scan_completed", world.customer, organization=world.customer)
    run_worker()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(webhook_id=hook["id"])
    assert "loopback" in delivery.error and delivery.response_status is None


def test_secret_is_encrypted_at_rest(api, world, receivers, private_targets):
    hook = create_webhook(api.as_user(world.manager), receivers().url, secret="very-secret-value")
    stored = Webhook.objects.get(pk=hook["id"]).secret_encrypted
    assert stored and "very-secret-value" not in stored
    listed = api.as_user(world.manager).get("/v2/webhooks").content.decode()
    assert "very-secret-value" not in listed and json.loads(listed)["data"][0]["attributes"]["secret_set"] is True

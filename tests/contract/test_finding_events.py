"""The events of these routes as a webhook receives them (events.md): scan_completed after an
import, vulnerability_new, exception_created and exception_expired, read back through
GET /v2/webhooks/{id}/deliveries."""

import time_machine

from findings.services.exceptions import expire_exceptions

from .conftest import assert_timestamp, data, ok, upload

EVENTS = ["scan_completed", "vulnerability_new", "exception_created", "exception_expired"]


def payloads(client, webhook_id):
    deliveries = data(client.get(f"/v2/webhooks/{webhook_id}/deliveries", {"per_page": 100}))
    return {d["attributes"]["event"]: d["attributes"]["payload"] for d in deliveries}


def test_events_of_an_import_and_an_exception(api, world, seeded, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    manager = api.as_user(world.manager)
    hook = data(manager.post("/v2/webhooks", {"webhook": {"name": "h", "url": "http://127.0.0.1:9/hook",
                                                          "events": EVENTS}}), 201)
    user = api.as_user(world.user)
    with django_capture_on_commit_callbacks(execute=True):
        run = data(upload(user, seeded.scan_id, name="gvm22.xml", fmt="gvm_xml"), 201)
    with django_capture_on_commit_callbacks(execute=True):
        exception = data(user.post("/v2/exceptions", {"exception": {
            "text": "Accepted", "nvt": "nessus:104743", "end_time": "2099-01-01T00:00:00Z"}}), 201)
    with time_machine.travel("2099-01-02T00:00:00Z"), django_capture_on_commit_callbacks(execute=True):
        assert expire_exceptions() == 1
    received = payloads(manager, hook["id"])
    assert set(received) == set(EVENTS), set(received)
    for name, body in received.items():
        assert body["event"] == name and body["organization"] == {"id": str(world.customer.pk), "name": world.customer.name}
        assert_timestamp(body["occurred_at"])
    completed = received["scan_completed"]["data"]
    assert completed["history_id"] == run["id"] and completed["pci_status"] in ("pass", "fail")
    assert {"high", "medium", "low", "log"} <= set(completed["severity_counts"]) and "delta" in completed
    new = received["vulnerability_new"]["data"]
    assert new["scan"]["id"] == seeded.scan_id and new["total"] == len(new["vulnerabilities"]) > 0
    assert {"id", "name", "nvt", "host", "port", "severity", "severity_level"} <= set(new["vulnerabilities"][0])
    created = received["exception_created"]["data"]
    assert created["id"] == exception["id"] and created["nvt"] == "nessus:104743" and created["active"] is True
    expired = received["exception_expired"]["data"]
    assert expired["id"] == exception["id"] and expired["active"] is False and expired["expired"] is True
    assert data(api.as_user(world.viewer).get(f"/v2/exceptions/{exception['id']}"))["attributes"]["expired"] is True
    assert ok(manager.get("/v2/vulnerabilities", {"q[nvt]": "nessus:104743"}))["data"][0]["attributes"]["excepted"] is False

"""The /v2/webhooks and /v2/webhook_events routes: CRUD through the generic API tests, SSRF
refusals, tenancy (cross-organization 404, partner reach) for every webhook route."""

import uuid

import pytest

from events.models import Webhook, WebhookDelivery
from tests.api_mixins import (
    CreateTests,
    DeleteTests,
    ListTests,
    RetrieveTests,
    UpdateTests,
    assert_error,
    assert_list_envelope,
)


@pytest.fixture(autouse=True)
def _private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False  # the shipped default


def make_webhook(organization, **extra):
    return Webhook.objects.create(organization=organization, name="Hook", url="https://93.184.215.14/hook",
                                  events=["scan_completed"], **extra)


class TestWebhooksApi(ListTests, RetrieveTests, CreateTests, UpdateTests, DeleteTests):
    collection = "/v2/webhooks"
    resource_type = "webhook"
    resource_name = "webhook"
    write_roles = ("Manager", "Partner", "Admin")
    create_body = {"name": "SIEM", "url": "https://93.184.215.14/cg", "events": ["scan_completed", "scan_failed"],
                   "secret": "abc"}
    update_body = {"name": "Renamed", "events": ["report_generated"]}
    invalid_body = ({"events": ["no_such_event"]}, "events.0")

    def make(self, world, organization):
        return make_webhook(organization)

    def assert_created(self, attributes, body):
        assert attributes["secret_set"] is True and "secret" not in attributes
        assert attributes["state"] == "active" and attributes["events"] == ["scan_completed", "scan_failed"]

    def assert_updated(self, attributes):
        assert attributes["name"] == "Renamed" and attributes["events"] == ["report_generated"]

    def test_list_refused_to_users_and_viewers(self, api, world):
        for user in (world.user, world.viewer):
            assert_error(api.as_user(user).get(self.collection), 403)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://192.168.0.10/", "http://172.16.5.4/",
    "http://169.254.169.254/latest/meta-data", "http://localhost:8000/hook", "http://[::1]/hook",
    "http://0.0.0.0/", "http://[fd00:ec2::254]/", "http://[fe80::1]/", "ftp://93.184.215.14/", "not a url",
])
def test_unsafe_targets_are_refused_at_creation(api, world, url):
    response = api.as_user(world.manager).post("/v2/webhooks", {"webhook": {"name": "x", "url": url, "events": ["ping"]}})
    assert_error(response, 422, "url")
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("url", ["http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/"])
def test_metadata_addresses_stay_refused_when_private_targets_are_allowed(api, world, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    response = api.as_user(world.manager).post("/v2/webhooks", {"name": "x", "url": url, "events": ["ping"]})
    assert_error(response, 422, "url")


def test_private_targets_allowed_by_setting(api, world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    response = api.as_user(world.manager).post("/v2/webhooks", {"name": "x", "url": "http://localhost:9/", "events": ["ping"]})
    assert response.status_code == 201


def test_updating_to_an_unsafe_url_is_refused(api, world):
    hook = make_webhook(world.customer)
    assert_error(api.as_user(world.manager).put(f"/v2/webhooks/{hook.pk}", {"url": "http://10.0.0.1/"}), 422, "url")


def test_include_customers_is_for_partners(api, world):
    body = {"name": "x", "url": "https://93.184.215.14/", "events": ["scan_completed"], "include_customers": True}
    assert_error(api.as_user(world.manager).post("/v2/webhooks", body), 422, "include_customers")
    assert api.as_user(world.partner).post("/v2/webhooks", body).status_code == 201


def test_secret_can_be_replaced_and_cleared(api, world):
    client = api.as_user(world.manager)
    hook_id = client.post("/v2/webhooks", {"name": "x", "url": "https://93.184.215.14/", "events": ["ping"],
                                           "secret": "one"}).json()["data"]["id"]
    assert client.put(f"/v2/webhooks/{hook_id}", {"secret": ""}).json()["data"]["attributes"]["secret_set"] is False


def test_admin_can_create_a_webhook_for_a_customer(api, world):
    response = api.as_user(world.admin).post("/v2/webhooks", {"name": "x", "url": "https://93.184.215.14/",
                                                              "events": ["ping"], "organization_id": str(world.customer.pk)})
    assert response.status_code == 201
    assert response.json()["data"]["relationships"]["organization"]["data"]["id"] == str(world.customer.pk)
    foreign = api.as_user(world.partner).post("/v2/webhooks", {"name": "x", "url": "https://93.184.215.14/",
                                                               "events": ["ping"], "organization_id": str(world.other_org.pk)})
    assert_error(foreign, 422, "organization_id")


def member_routes(hook, delivery):
    base = f"/v2/webhooks/{hook.pk}"
    return [("get", base), ("put", base), ("get", f"{base}/deliveries"), ("get", f"{base}/deliveries/{delivery.pk}"),
            ("post", f"{base}/deliveries/{delivery.pk}/redeliver"), ("delete", base)]


def test_every_webhook_route_is_404_across_organizations_and_open_to_the_partner(api, world):
    hook = make_webhook(world.customer)
    delivery = WebhookDelivery.objects.create(webhook=hook, event="scan_completed", payload={"event": "scan_completed"})
    for method, path in member_routes(hook, delivery) + [("post", f"/v2/webhooks/{hook.pk}/test")]:
        assert_error(getattr(api.as_user(world.other_manager), method)(path, {} if method != "get" else None), 404)
    for method, path in member_routes(hook, delivery):
        response = getattr(api.as_user(world.partner), method)(path, {} if method != "get" else None)
        assert response.status_code in (200, 202), (method, path, response.content)


def test_unknown_delivery_is_404(api, world):
    hook = make_webhook(world.customer)
    client = api.as_user(world.manager)
    assert_error(client.get(f"/v2/webhooks/{hook.pk}/deliveries/{uuid.uuid4()}"), 404)
    other = WebhookDelivery.objects.create(webhook=make_webhook(world.customer), event="ping", payload={})
    assert_error(client.post(f"/v2/webhooks/{hook.pk}/deliveries/{other.pk}/redeliver"), 404)


def test_deliveries_list_filters(api, world):
    hook = make_webhook(world.customer)
    WebhookDelivery.objects.create(webhook=hook, event="scan_completed", payload={}, succeeded=True, response_status=200)
    WebhookDelivery.objects.create(webhook=hook, event="scan_failed", payload={}, succeeded=False, response_status=500)
    client = api.as_user(world.manager)
    body = client.get(f"/v2/webhooks/{hook.pk}/deliveries", {"q[succeeded]": "false"}).json()
    assert_list_envelope(body, "webhook_delivery")
    assert [d["attributes"]["event"] for d in body["data"]] == ["scan_failed"]
    assert_error(client.get(f"/v2/webhooks/{hook.pk}/deliveries", {"q[nope]": "1"}), 422, "q[nope]")


def test_webhook_events_catalogue(api, world):
    body = api.as_user(world.viewer).get("/v2/webhook_events").json()
    assert_list_envelope(body, "webhook_event")
    names = {item["attributes"]["name"] for item in body["data"]}
    assert {"scan_started", "scan_completed", "scan_stopped", "scan_failed", "report_generated", "exception_created",
            "exception_expired", "vulnerability_new", "ping"} == names
    for item in body["data"]:
        sample = item["attributes"]["sample_payload"]
        assert set(sample) == {"event", "delivery_id", "occurred_at", "organization", "data"}
        assert item["attributes"]["description"]
    assert body["meta"]["total_count"] == 9

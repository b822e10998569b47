"""Organization Subscriptions routes: list/active/get/update, the `attributes[]` selection,
dependent subscriptions, tenancy (404 for foreign ids) and query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Organization, Subscription
from tests.api_mixins import assert_error, assert_list_envelope, assert_resource
from tests.factories import OrganizationFactory, UserFactory

from .conftest import give


def base(organization):
    return f"/v2/organizations/{organization.pk}/subscriptions"


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["data"]}


@pytest.fixture
def history(world, subscribed, catalogue):
    """The customer also has a cancelled pentest subscription."""
    old = give(world.customer, catalogue["pentest-basic"])
    Subscription.objects.filter(pk=old.pk).update(status="cancelled", cancellation_reason="ended")
    return old


def test_list_envelope_and_filters(api, world, subscribed, history):
    client = api.as_user(world.manager)
    response = client.get(base(world.customer))
    assert_list_envelope(response.json(), "subscription")
    assert ids(response) == {str(subscribed["customer_pci"].pk), str(history.pk)}
    assert ids(client.get(base(world.customer), {"q[status]": "cancelled"})) == {str(history.pk)}
    assert ids(client.get(base(world.customer), {"q[product_code]": "pci"})) == {str(subscribed["customer_pci"].pk)}
    assert_error(client.get(base(world.customer), {"q[nope]": "x"}), 422)


def test_active_lists_only_live_subscriptions(api, world, subscribed, history):
    response = api.as_user(world.viewer).get(f"{base(world.customer)}/active")
    assert ids(response) == {str(subscribed["customer_pci"].pk)}


def test_get_one_with_usage_and_features(api, world, subscribed):
    sid = subscribed["customer_pci"].pk
    response = api.as_user(world.viewer).get(f"{base(world.customer)}/{sid}")
    assert response.status_code == 200
    data = response.json()["data"]
    assert_resource(data, "subscription")
    assert data["attributes"]["features"]["number_of_ips"]["limit"] == 16
    assert isinstance(data["attributes"]["usage"], dict)


def test_partner_updates_a_customers_subscription(api, world, subscribed):
    sid = subscribed["customer_pci"].pk
    client = api.as_user(world.partner)
    body = {"subscription": {"end_date": "2031-12-31", "auto_renewal": True, "status": "suspended"}}
    response = client.put(f"{base(world.customer)}/{sid}", body)
    assert response.status_code == 200, response.content
    attributes = response.json()["data"]["attributes"]
    assert (attributes["end_date"], attributes["auto_renewal"], attributes["status"]) == ("2031-12-31", True, "suspended")
    reread = client.get(f"{base(world.customer)}/{sid}").json()["data"]["attributes"]
    assert reread["status"] == "suspended"


def test_update_attributes_query_limits_the_returned_attributes(api, world, subscribed):
    sid = subscribed["customer_pci"].pk
    response = api.as_user(world.partner).put(
        f"{base(world.customer)}/{sid}?attributes[]=status&attributes[]=end_date", {"subscription": {"status": "suspended"}})
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["id"] == str(sid)
    assert set(data["attributes"]) == {"id", "status", "end_date"}
    assert data["attributes"]["status"] == "suspended"


def test_attributes_without_brackets_and_on_reads(api, world, subscribed):
    sid = subscribed["customer_pci"].pk
    response = api.as_user(world.viewer).get(f"{base(world.customer)}/{sid}?attributes=plan")
    assert set(response.json()["data"]["attributes"]) == {"id", "plan"}


@pytest.mark.parametrize("body, field", [
    ({"end_date": "2000-01-01"}, "end_date"),
    ({"end_date": "someday"}, "end_date"),
    ({"status": "paused"}, "status"),
    ({"auto_renewal": "perhaps"}, "auto_renewal"),
    ({"features": {"number_of_ips": {"limit": 5}}}, "features"),  # not an open plan
])
def test_bad_updates_are_422_naming_the_field(api, world, subscribed, body, field):
    sid = subscribed["customer_pci"].pk
    assert_error(api.as_user(world.partner).put(f"{base(world.customer)}/{sid}", {"subscription": body}), 422, field)


def test_open_plan_features_update_is_capped_by_the_partner(api, world, subscribed, catalogue):
    world.customer.subscriptions.all().delete()
    sub = give(world.customer, catalogue["pci-open"], features={"number_of_ips": {"limit": 10}})
    url = f"{base(world.customer)}/{sub.pk}"
    client = api.as_user(world.partner)
    assert_error(client.put(url, {"subscription": {"features": {"number_of_ips": {"limit": 5000}}}}), 422,
                 "features.number_of_ips.limit")
    response = client.put(url, {"subscription": {"features": {"number_of_ips": {"limit": 200}}}})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"]["features"]["number_of_ips"]["limit"] == 200


def test_reviving_a_cancelled_subscription_beside_a_live_one_is_422(api, world, subscribed, catalogue):
    old = give(world.customer, catalogue["vrms-standard"])
    Subscription.objects.filter(pk=old.pk).update(status="cancelled")
    give(world.customer, catalogue["vrms-standard"])
    response = api.as_user(world.partner).put(f"{base(world.customer)}/{old.pk}", {"subscription": {"status": "active"}})
    assert_error(response, 422, "status")


def test_manager_cannot_update_its_own_subscription(api, world, subscribed):
    sid = subscribed["customer_pci"].pk
    assert_error(api.as_user(world.manager).put(f"{base(world.customer)}/{sid}", {"auto_renewal": True}), 403)


def test_partner_cannot_update_its_own_subscription(api, world, subscribed):
    sid = subscribed["partner_pci"].pk
    response = api.as_user(world.partner).put(f"{base(world.partner_org)}/{sid}", {"end_date": "2040-01-01"})
    assert_error(response, 403)


def test_admin_updates_any_subscription(api, world, subscribed):
    sid = subscribed["partner_pci"].pk
    response = api.as_user(world.admin).put(f"{base(world.partner_org)}/{sid}", {"end_date": "2040-01-01"})
    assert response.status_code == 200, response.content


# --- tenancy ---

def foreign_routes(world, subscribed):
    other, own = world.other_org, world.customer
    foreign_sid = subscribed["other_pci"].pk
    return [
        ("get", f"{base(other)}", None),
        ("get", f"{base(other)}/active", None),
        ("get", f"{base(other)}/{foreign_sid}", None),
        ("put", f"{base(other)}/{foreign_sid}", {"auto_renewal": True}),
        ("get", f"{base(own)}/{foreign_sid}", None),  # a foreign subscription under one's own organization
        ("put", f"{base(own)}/{foreign_sid}", {"auto_renewal": True}),
        ("get", f"{base(own)}/{uuid.uuid4()}", None),
        ("get", f"{base(own)}/not-a-uuid", None),
        ("post", f"/v2/organizations/{other.pk}/subscribe", {"plan": "vrms-standard"}),
        ("post", f"/v2/organizations/{other.pk}/unsubscribe", {"plan": "pci-standard"}),
        ("get", f"/v2/organizations/{other.pk}/dependent_subscriptions", None),
        ("get", f"/v2/organizations/{uuid.uuid4()}/subscriptions", None),
    ]


@pytest.mark.parametrize("role", ["manager", "partner"])
def test_foreign_ids_are_404_on_every_route(api, world, subscribed, role):
    client = api.as_user(getattr(world, role))
    for method, path, body in foreign_routes(world, subscribed):
        if role == "manager" and ("subscribe" in path or "dependent" in path or method == "put"):
            continue  # refused by role first (403): covered by the role tests
        response = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
        assert_error(response, 404)
    assert Subscription.objects.get(pk=subscribed["other_pci"].pk).status == "active"
    assert not Subscription.objects.filter(organization=world.other_org, plan__code="vrms-standard").exists()


def test_needs_credentials(api, world, subscribed):
    assert_error(api.get(base(world.customer)), 401)


# --- dependent subscriptions ---

def test_partner_sees_its_customers_subscriptions(api, world, subscribed):
    grandchild = OrganizationFactory(parent=world.customer)
    deep = give(grandchild, subscribed["customer_pci"].plan)
    response = api.as_user(world.partner).get(f"/v2/organizations/{world.partner_org.pk}/dependent_subscriptions")
    assert_list_envelope(response.json(), "subscription")
    assert ids(response) == {str(subscribed["customer_pci"].pk), str(deep.pk)}
    only_pci = api.as_user(world.partner).get(
        f"/v2/organizations/{world.partner_org.pk}/dependent_subscriptions", {"q[status]": "cancelled"})
    assert ids(only_pci) == set()


def test_admin_sees_dependent_subscriptions_of_any_partner(api, world, subscribed):
    response = api.as_user(world.admin).get(f"/v2/organizations/{world.partner_org.pk}/dependent_subscriptions")
    assert ids(response) == {str(subscribed["customer_pci"].pk)}


def test_manager_gets_403_on_dependent_subscriptions(api, world, subscribed):
    response = api.as_user(world.manager).get(f"/v2/organizations/{world.customer.pk}/dependent_subscriptions")
    assert_error(response, 403)


def test_another_partner_gets_404(api, world, subscribed):
    rival_org = OrganizationFactory(partner=True)
    rival = UserFactory(role="Partner", organization=rival_org)
    response = api.as_user(rival).get(f"/v2/organizations/{world.partner_org.pk}/dependent_subscriptions")
    assert_error(response, 404)


# --- query counts ---

def query_counts(client, path):
    client.get(path, {"per_page": 1})  # warm-up
    counts = []
    for per_page in (2, 40):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"per_page": per_page})
        assert response.status_code == 200, response.content
        counts.append(len(queries))
    return counts


def many_subscriptions(parent, plan, count):
    for _ in range(count):
        give(OrganizationFactory(parent=parent), plan)


def test_subscriptions_list_query_count_is_constant(api, world, subscribed, catalogue):
    for code in ("pentest-basic", "vrms-standard"):
        give(world.customer, catalogue[code])
    for _ in range(4):  # history rows
        Subscription.objects.filter(organization=world.customer).update(status="cancelled")
        give(world.customer, catalogue["pci-standard"])
    counts = query_counts(api.as_user(world.partner), base(world.customer))
    assert counts[0] == counts[1], counts


def test_dependent_subscriptions_query_count_is_constant(api, world, subscribed, catalogue):
    many_subscriptions(world.partner_org, catalogue["vrms-standard"], 8)
    counts = query_counts(api.as_user(world.partner), f"/v2/organizations/{world.partner_org.pk}/dependent_subscriptions")
    assert counts[0] == counts[1], counts
    assert Organization.objects.filter(parent=world.partner_org).count() == 9

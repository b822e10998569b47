"""The subscription rules of resources.md as a client sees them: default plans on organization
creation, skip_default_subscription, one live subscription per product, dates, open-plan limits
capped by the partner, unsubscribe."""

import pytest

from organizations.models import Organization, Plan, PlanFeature, Subscription
from tests.api_mixins import assert_error, assert_resource

from .conftest import give


def create_org(client, organization=None, plans=None):
    body = {"organization": {"name": "Acme", "company_name": "Acme Ltd", **(organization or {})}}
    if plans is not None:
        body["plans"] = plans
    return client.post("/v2/organizations", body)


def live_plans(organization_id):
    return sorted(
        Subscription.objects.filter(organization_id=organization_id, status__in=("trial", "active"))
        .values_list("plan__code", flat=True)
    )


def subscribe(client, organization, body):
    return client.post(f"/v2/organizations/{organization.pk}/subscribe", body)


# --- organization creation ---

def test_new_organization_gets_each_products_default_plan(api, world, subscribed):
    response = create_org(api.as_user(world.partner))
    assert response.status_code == 201, response.content
    org_id = response.json()["data"]["id"]
    assert live_plans(org_id) == ["pci-standard", "vrms-standard"]
    listed = api.as_user(world.partner).get(f"/v2/organizations/{org_id}/subscriptions").json()["data"]
    assert sorted(s["attributes"]["plan"]["code"] for s in listed) == ["pci-standard", "vrms-standard"]


def test_skip_default_subscription_without_plans_is_422_naming_plans(api, world, subscribed):
    response = create_org(api.as_user(world.partner), {"skip_default_subscription": True})
    assert_error(response, 422, "plans")
    assert not Organization.objects.filter(name="Acme").exists()


def test_skip_default_subscription_takes_only_the_requested_plans(api, world, subscribed):
    response = create_org(api.as_user(world.partner), {"skip_default_subscription": True},
                          plans=[{"plan": "pci-standard", "interval": "yearly", "start_date": "2024-01-01"}])
    assert response.status_code == 201, response.content
    org_id = response.json()["data"]["id"]
    assert live_plans(org_id) == ["pci-standard"]
    subscription = Subscription.objects.get(organization_id=org_id)
    assert (subscription.interval, str(subscription.end_date)) == ("yearly", "2025-01-01")


def test_requested_plans_replace_only_their_products_default(api, world, subscribed):
    response = create_org(api.as_user(world.partner), plans=[{"plan": "pentest-basic"}, {"plan": "pci-open"}])
    assert response.status_code == 201, response.content
    assert live_plans(response.json()["data"]["id"]) == ["pci-open", "pentest-basic", "vrms-standard"]


def test_two_plans_of_one_product_in_one_request_first_applies(api, world, subscribed):
    response = create_org(api.as_user(world.partner), {"skip_default_subscription": True},
                          plans=[{"plan": "pci-standard"}, {"plan": "pci-open"}, "vrms-standard"])
    assert response.status_code == 201, response.content
    assert live_plans(response.json()["data"]["id"]) == ["pci-standard", "vrms-standard"]


def test_unknown_plan_on_creation_is_422_and_leaves_no_organization(api, world, subscribed):
    response = create_org(api.as_user(world.partner), plans=[{"plan": "pci-standard"}, {"plan": "gold"}])
    assert_error(response, 422, "plans.1.plan")
    assert not Organization.objects.filter(name="Acme").exists()


def test_bad_interval_names_the_nested_field(api, world, subscribed):
    response = create_org(api.as_user(world.partner), plans=[{"plan": "pci-standard", "interval": "weekly"}])
    assert_error(response, 422, "plans.0.interval")


def test_plans_must_be_a_list(api, world, subscribed):
    assert_error(create_org(api.as_user(world.partner), plans={"plan": "pci-standard"}), 422, "plans")


# --- subscribe ---

def test_subscribe_answers_201_with_the_subscription(api, world, catalogue):
    response = subscribe(api.as_user(world.partner), world.customer, {"plan": "pci-standard"})
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert_resource(data, "subscription")
    attributes = data["attributes"]
    assert attributes["status"] == "active"
    assert attributes["price"] == "49.00"
    assert attributes["product"] == {"code": "pci", "name": "PCI ASV Scanning",
                                     "description": attributes["product"]["description"]}
    assert attributes["plan"] == {"code": "pci-standard", "name": "PCI Standard"}
    assert attributes["features"]["number_of_ips"] == {"enabled": True, "limit": 16}
    assert attributes["interval"] == "monthly"
    assert attributes["cancellation_reason"] is None
    assert data["relationships"]["organization"]["data"] == {"id": str(world.customer.pk), "type": "organization"}


def test_second_subscription_to_a_product_is_422(api, world, subscribed):
    response = subscribe(api.as_user(world.partner), world.customer, {"plan": "pci-open"})
    assert_error(response, 422, "plan")
    assert live_plans(world.customer.pk) == ["pci-standard"]


def test_subscribe_accepts_the_wrapped_body(api, world, catalogue):
    response = subscribe(api.as_user(world.partner), world.customer, {"subscription": {"plan": "vrms-standard"}})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("interval, start, end", [
    ("monthly", "2024-01-31", "2024-02-29"),
    ("monthly", "2024-03-15", "2024-04-15"),
    ("yearly", "2024-02-29", "2025-02-28"),
    ("none", "2024-03-15", None),
])
def test_end_date_follows_the_interval(api, world, catalogue, interval, start, end):
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-standard", "interval": interval, "start_date": start})
    attributes = response.json()["data"]["attributes"]
    assert (attributes["start_date"], attributes["end_date"], attributes["interval"]) == (start, end, interval)


def test_explicit_end_date_wins(api, world, catalogue):
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-standard", "interval": "yearly", "start_date": "2024-01-01", "end_date": "2024-06-30"})
    assert response.json()["data"]["attributes"]["end_date"] == "2024-06-30"


def test_end_date_before_start_is_422(api, world, catalogue):
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-standard", "start_date": "2024-05-01", "end_date": "2024-04-30"})
    assert_error(response, 422, "end_date")
    assert not Subscription.objects.filter(organization=world.customer).exists()


@pytest.mark.parametrize("body, field", [
    ({}, "plan"),
    ({"plan": "gold"}, "plan"),
    ({"plan": "pci-standard", "interval": "weekly"}, "interval"),
    ({"plan": "pci-standard", "start_date": "soon"}, "start_date"),
    ({"plan": "pci-standard", "auto_renewal": "maybe"}, "auto_renewal"),
])
def test_bad_subscribe_bodies_are_422_naming_the_field(api, world, catalogue, body, field):
    assert_error(subscribe(api.as_user(world.partner), world.customer, body), 422, field)


def test_subscribe_own_organization(api, world, catalogue):
    response = api.as_user(world.manager).post("/v2/organizations/subscribe", {"plan": "vrms-standard"})
    assert response.status_code == 200, response.content
    assert live_plans(world.customer.pk) == ["vrms-standard"]


# --- open plans: limits from the request, capped by the partner ---

def test_open_plan_takes_limits_from_the_request(api, world, subscribed):
    world.customer.subscriptions.all().delete()
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-open", "features": {"number_of_ips": {"limit": 500}}})
    assert response.status_code == 201, response.content
    features = response.json()["data"]["attributes"]["features"]
    assert features["number_of_ips"]["limit"] == 500
    assert features["concurrent_scans"]["limit"] == 1  # not requested: the plan's own


def test_open_plan_limit_above_the_partners_is_422_naming_the_feature(api, world, subscribed):
    world.customer.subscriptions.all().delete()
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-open", "features": {"number_of_ips": {"limit": 1025}}})
    body = assert_error(response, 422, "features.number_of_ips.limit")
    assert "1024" in body["message"]
    assert not Subscription.objects.filter(organization=world.customer).exists()


def test_open_plan_unlimited_request_under_a_limited_partner_is_422(api, world, subscribed):
    world.customer.subscriptions.all().delete()
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-open", "features": {"number_of_scanners": {"limit": None}}})
    assert_error(response, 422, "features.number_of_scanners.limit")


def test_open_plan_defaults_are_capped_too(api, world, catalogue):
    tiny = Plan.objects.create(code="pci-tiny", name="Tiny", product=catalogue["pci-open"].product)
    PlanFeature.objects.bulk_create(PlanFeature(plan=tiny, name=n, limit=4) for n in catalogue["pci-open"].feature_dict())
    give(world.partner_org, tiny)
    response = subscribe(api.as_user(world.partner), world.customer, {"plan": "pci-open"})
    assert_error(response, 422, "features.number_of_ips.limit")


def test_open_plan_needs_the_partner_subscribed_to_the_product(api, world, catalogue):
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-open", "features": {"number_of_ips": {"limit": 5}}})
    assert_error(response, 422, "plan")


def test_limits_on_a_normal_plan_are_422(api, world, subscribed):
    world.customer.subscriptions.all().delete()
    response = subscribe(api.as_user(world.partner), world.customer,
                         {"plan": "pci-standard", "features": {"number_of_ips": {"limit": 5}}})
    assert_error(response, 422, "features")


@pytest.mark.parametrize("feature, field", [
    ({"limit": "lots"}, "features.number_of_ips.limit"),
    ({"limit": -1}, "features.number_of_ips.limit"),
    ({"limit": 5, "enabled": "yes"}, "features.number_of_ips.enabled"),
])
def test_open_plan_limits_are_validated(api, world, subscribed, feature, field):
    world.customer.subscriptions.all().delete()
    response = subscribe(api.as_user(world.partner), world.customer, {"plan": "pci-open", "features": {"number_of_ips": feature}})
    assert_error(response, 422, field)


def test_a_manager_cannot_set_open_limits_on_its_own_organization(api, world, subscribed):
    world.customer.subscriptions.all().delete()
    response = api.as_user(world.manager).post(
        "/v2/organizations/subscribe", {"plan": "pci-open", "features": {"number_of_ips": {"limit": 5}}})
    assert_error(response, 403)


# --- unsubscribe ---

def test_unsubscribe_by_plan_cancels_with_the_reason(api, world, subscribed):
    response = api.as_user(world.partner).post(
        f"/v2/organizations/{world.customer.pk}/unsubscribe", {"plan": "pci-standard", "cancellation_reason": "Too dear"})
    assert response.status_code == 200, response.content
    attributes = response.json()["data"]["attributes"]
    assert (attributes["status"], attributes["cancellation_reason"], attributes["auto_renewal"]) == ("cancelled", "Too dear", False)
    # the product is free again
    assert subscribe(api.as_user(world.partner), world.customer, {"plan": "pci-open"}).status_code == 201


def test_unsubscribe_by_subscription_id(api, world, subscribed):
    sid = subscribed["customer_pci"].pk
    response = api.as_user(world.manager).post(f"/v2/organizations/{world.customer.pk}/unsubscribe", {"subscription_id": str(sid)})
    assert response.status_code == 200, response.content
    assert Subscription.objects.get(pk=sid).status == "cancelled"


@pytest.mark.parametrize("body, field", [
    ({}, "plan"),
    ({"plan": "vrms-standard"}, "plan"),
    ({"subscription_id": "nope"}, "subscription_id"),
    ({"plan": "pci-standard", "cancellation_reason": {"why": 1}}, "cancellation_reason"),
])
def test_unsubscribe_without_a_live_match_is_422(api, world, subscribed, body, field):
    assert_error(api.as_user(world.partner).post(f"/v2/organizations/{world.customer.pk}/unsubscribe", body), 422, field)


def test_unsubscribing_twice_is_422(api, world, subscribed):
    sid = str(subscribed["customer_pci"].pk)
    client = api.as_user(world.partner)
    client.post(f"/v2/organizations/{world.customer.pk}/unsubscribe", {"subscription_id": sid})
    assert_error(client.post(f"/v2/organizations/{world.customer.pk}/unsubscribe", {"subscription_id": sid}), 422, "subscription_id")


def test_another_organizations_subscription_id_is_not_found(api, world, subscribed):
    response = api.as_user(world.partner).post(
        f"/v2/organizations/{world.customer.pk}/unsubscribe", {"subscription_id": str(subscribed["other_pci"].pk)})
    assert_error(response, 422, "subscription_id")
    assert Subscription.objects.get(pk=subscribed["other_pci"].pk).status == "active"


# --- roles ---

@pytest.mark.parametrize("role", ["viewer", "user"])
def test_viewers_and_users_cannot_change_subscriptions(api, world, subscribed, role):
    client = api.as_user(getattr(world, role))
    org = world.customer.pk
    assert_error(client.post(f"/v2/organizations/{org}/subscribe", {"plan": "vrms-standard"}), 403)
    assert_error(client.post("/v2/organizations/subscribe", {"plan": "vrms-standard"}), 403)
    assert_error(client.post(f"/v2/organizations/{org}/unsubscribe", {"plan": "pci-standard"}), 403)
    assert_error(client.put(f"/v2/organizations/{org}/subscriptions/{subscribed['customer_pci'].pk}", {"auto_renewal": True}), 403)
    assert live_plans(org) == ["pci-standard"]


def test_partner_may_not_subscribe_an_unrelated_organization(api, world, subscribed):
    response = subscribe(api.as_user(world.partner), world.other_org, {"plan": "vrms-standard"})
    assert_error(response, 404)


def test_service_helper_matches_the_api(world, catalogue):
    subscription = give(world.customer, catalogue["vrms-standard"], auto_renewal=True)
    assert subscription.auto_renewal and subscription.features["number_of_ips"]["limit"] == 64

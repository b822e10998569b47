"""The user's product context: /v2/user/products, active_plans, subscriptions_history,
change_product, the `?products=true&current_plan=true` blocks of /v2/user/me, and the
product scope hook of the base viewset."""

import pytest
from django.test import RequestFactory

from accounts.models import User
from config.api.viewsets import ResourceViewSet
from organizations.models import Subscription
from tests.api_mixins import assert_error, assert_list_envelope
from tests.organizations import conftest as plan_fixtures

# The plan catalogue fixtures of tests/organizations, shared here.
catalogue, subscribed, give = plan_fixtures.catalogue, plan_fixtures.subscribed, plan_fixtures.give


def codes(response, key="code"):
    assert response.status_code == 200, response.content
    return [item["attributes"][key] for item in response.json()["data"]]


@pytest.fixture
def two_products(world, subscribed, catalogue):
    """The customer holds pci-standard and vrms-standard, and had a pentest subscription."""
    give(world.customer, catalogue["vrms-standard"])
    old = give(world.customer, catalogue["pentest-basic"])
    Subscription.objects.filter(pk=old.pk).update(status="cancelled")
    return old


# --- change_product ---

def test_change_product_by_query_string(api, world, two_products):
    client = api.as_user(world.viewer)  # self-service: every role
    response = client.put("/v2/user/change_product?product_code=vrms")
    assert (response.status_code, response.json()) == (200, {"active_product": "vrms"})
    assert client.get("/v2/user/me").json()["data"]["attributes"]["active_product"] == "vrms"


def test_change_product_by_body(api, world, two_products):
    response = api.as_user(world.user).put("/v2/user/change_product", {"product_code": "pci"})
    assert (response.status_code, response.json()) == (200, {"active_product": "pci"})


@pytest.mark.parametrize("code", ["pentest", "vrms"])
def test_change_product_without_an_active_subscription_is_422(api, world, two_products, code):
    if code == "vrms":
        Subscription.objects.filter(organization=world.customer, product__code="vrms").update(status="expired")
    response = api.as_user(world.manager).put(f"/v2/user/change_product?product_code={code}")
    assert_error(response, 422, "product_code")
    world.manager.refresh_from_db()
    assert world.manager.active_product == ""


@pytest.mark.parametrize("query", ["?product_code=gold", "", "?product_code="])
def test_change_product_unknown_or_missing_is_422(api, world, two_products, query):
    assert_error(api.as_user(world.manager).put(f"/v2/user/change_product{query}"), 422, "product_code")


def test_change_product_of_an_organization_without_subscriptions_is_422(api, world, catalogue):
    assert_error(api.as_user(world.manager).put("/v2/user/change_product?product_code=pci"), 422, "product_code")


def test_admin_may_switch_to_any_product(api, world, catalogue):
    response = api.as_user(world.admin).put("/v2/user/change_product?product_code=pentest")
    assert response.json() == {"active_product": "pentest"}


def test_change_product_needs_credentials(api, world):
    assert_error(api.put("/v2/user/change_product?product_code=pci"), 401)


# --- products, active_plans, subscriptions_history ---

def test_products_of_the_live_subscriptions(api, world, two_products):
    response = api.as_user(world.viewer).get("/v2/user/products")
    assert_list_envelope(response.json(), "product")
    assert codes(response) == ["pci", "vrms"]


def test_products_empty_without_subscriptions(api, world, catalogue):
    assert codes(api.as_user(world.manager).get("/v2/user/products")) == []


def test_active_plans(api, world, two_products):
    response = api.as_user(world.user).get("/v2/user/active_plans")
    assert_list_envelope(response.json(), "plan")
    assert sorted(codes(response)) == ["pci-standard", "vrms-standard"]
    features = response.json()["data"][0]["attributes"]["features"]
    assert "number_of_ips" in features


def test_subscriptions_history_lists_every_state(api, world, two_products):
    client = api.as_user(world.viewer)
    response = client.get("/v2/user/subscriptions_history")
    assert_list_envelope(response.json(), "subscription")
    statuses = sorted(s["attributes"]["status"] for s in response.json()["data"])
    assert statuses == ["active", "active", "cancelled"]
    cancelled = client.get("/v2/user/subscriptions_history", {"q[status]": "cancelled"})
    assert [s["attributes"]["plan"]["code"] for s in cancelled.json()["data"]] == ["pentest-basic"]
    assert_error(client.get("/v2/user/subscriptions_history", {"q[plan]": "x"}), 422, "q[plan]")


def test_subscriptions_history_is_the_callers_organization_only(api, world, two_products):
    own = {s["id"] for s in api.as_user(world.partner).get("/v2/user/subscriptions_history").json()["data"]}
    assert own == {str(s.pk) for s in Subscription.objects.filter(organization=world.partner_org)}


# --- GET /v2/user/me blocks ---

def test_me_with_products_and_current_plan(api, world, two_products):
    client = api.as_user(world.manager)
    attributes = client.get("/v2/user/me?products=true&current_plan=true").json()["data"]["attributes"]
    assert [p["code"] for p in attributes["products"]] == ["pci", "vrms"]
    plan = attributes["current_plan"]
    assert (plan["code"], plan["product"], plan["status"]) == ("pci-standard", "pci", "active")
    assert plan["features"]["number_of_ips"]["limit"] == 16
    client.put("/v2/user/change_product?product_code=vrms")
    attributes = client.get("/v2/user/me", {"current_plan": "1"}).json()["data"]["attributes"]
    assert attributes["current_plan"]["code"] == "vrms-standard"
    assert "products" not in attributes


def test_me_without_flags_has_no_blocks(api, world, two_products):
    attributes = api.as_user(world.manager).get("/v2/user/me").json()["data"]["attributes"]
    assert "products" not in attributes and "current_plan" not in attributes


def test_me_current_plan_is_null_without_subscription(api, world, catalogue):
    attributes = api.as_user(world.manager).get("/v2/user/me?products=true&current_plan=true").json()["data"]["attributes"]
    assert (attributes["products"], attributes["current_plan"]) == ([], None)


def test_me_bad_flag_is_422(api, world, catalogue):
    assert_error(api.as_user(world.manager).get("/v2/user/me?products=maybe"), 422, "products")


# --- the base viewset's product scope ---

class ProductScoped(ResourceViewSet):
    queryset = Subscription.objects.all()
    product_field = "product__code"


def scoped_codes(user):
    view = ProductScoped()
    request = RequestFactory().get("/")
    request.user = user
    view.request = request
    return sorted(view.scope(Subscription.objects.all()).values_list("product__code", flat=True))


def test_scope_hook_limits_rows_to_the_active_product(api, world, two_products):
    assert scoped_codes(world.manager) == ["pci"]  # nothing chosen: the first subscribed product
    api.as_user(world.manager).put("/v2/user/change_product?product_code=vrms")
    assert scoped_codes(User.objects.get(pk=world.manager.pk)) == ["vrms"]  # a new request's user


def test_scope_hook_fails_closed_without_a_product(world, catalogue):
    assert scoped_codes(world.manager) == []


@pytest.mark.parametrize("path", ["/v2/user/subscriptions_history", "/v2/user/active_plans", "/v2/user/products"])
def test_query_count_does_not_grow_with_page_size(api, world, catalogue, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(6):
        for code in ("pci-standard", "vrms-standard", "pentest-basic"):
            give(world.customer, catalogue[code])
        Subscription.objects.filter(organization=world.customer).update(status="cancelled")
    for code in ("pci-standard", "vrms-standard", "pentest-basic"):
        give(world.customer, catalogue[code])
    client = api.as_user(world.manager)
    client.get(path, {"per_page": 1})
    counts = []
    for per_page in (1, 30):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {"per_page": per_page}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts

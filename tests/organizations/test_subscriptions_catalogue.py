"""The catalogue: /v2/subscriptions/products, /plans (q[product_code], q[code]), /plans/{id}."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Plan, PlanFeature
from tests.api_mixins import assert_error, assert_list_envelope, assert_resource


def codes(response):
    assert response.status_code == 200, response.content
    return [item["attributes"]["code"] for item in response.json()["data"]]


def test_products_are_the_three_seeded_by_migration(api, world, catalogue):
    response = api.as_user(world.viewer).get("/v2/subscriptions/products")
    assert_list_envelope(response.json(), "product")
    assert codes(response) == ["pci", "vrms", "pentest"]
    assert set(response.json()["data"][0]["attributes"]) == {"id", "code", "name", "description"}


def test_plans_list_with_features(api, world, catalogue):
    response = api.as_user(world.viewer).get("/v2/subscriptions/plans", {"per_page": 100})
    assert_list_envelope(response.json(), "plan")
    assert set(codes(response)) == set(catalogue) - {"pci-partner"}  # a customer's plans (audience)
    standard = next(p for p in response.json()["data"] if p["attributes"]["code"] == "pci-standard")["attributes"]
    assert standard["product"] == "pci"
    assert (standard["kind"], standard["default"], standard["default_interval"]) == ("normal", True, "monthly")
    assert standard["price"] == "49.00"
    assert standard["features"]["number_of_ips"] == {"enabled": True, "limit": 16}
    assert set(standard) >= {"name", "description", "trial_enabled", "trial_duration_days"}
    assert standard["audience"] == "both"


@pytest.mark.parametrize("params, expected", [
    ({"q[product_code]": "pci"}, {"pci-standard", "pci-open"}),
    ({"q[product_code]": "vrms"}, {"vrms-standard"}),
    ({"q[code]": "pci-open"}, {"pci-open"}),
    ({"q[code]": "pci-*"}, {"pci-standard", "pci-open"}),
    ({"q[code]": "nope"}, set()),
])
def test_plans_filters(api, world, catalogue, params, expected):
    assert set(codes(api.as_user(world.user).get("/v2/subscriptions/plans", params))) == expected


def test_unknown_filter_column_is_422(api, world, catalogue):
    assert_error(api.as_user(world.user).get("/v2/subscriptions/plans", {"q[price]": "1"}), 422, "q[price]")


def test_withdrawn_plans_are_not_offered(api, world, catalogue):
    Plan.objects.filter(code="pentest-basic").update(active=False)
    assert "pentest-basic" not in codes(api.as_user(world.user).get("/v2/subscriptions/plans"))
    response = api.as_user(world.partner).post(f"/v2/organizations/{world.customer.pk}/subscribe", {"plan": "pentest-basic"})
    assert_error(response, 422, "plan")


def test_plan_by_id(api, world, catalogue):
    plan = catalogue["vrms-standard"]
    response = api.as_user(world.viewer).get(f"/v2/subscriptions/plans/{plan.pk}")
    assert response.status_code == 200, response.content
    assert_resource(response.json()["data"], "plan")
    assert response.json()["data"]["attributes"]["features"]["rescans"] == {"enabled": True, "limit": None}


@pytest.mark.parametrize("raw_id", ["0b7e5c1e-3c1a-4d4e-9a8f-2f6f1c9d8e7a", "not-a-uuid", "12345"])
def test_unknown_plan_is_404(api, world, catalogue, raw_id):
    assert_error(api.as_user(world.viewer).get(f"/v2/subscriptions/plans/{raw_id}"), 404)


def test_catalogue_needs_credentials(api, world):
    assert_error(api.get("/v2/subscriptions/plans"), 401)
    assert_error(api.get("/v2/subscriptions/products"), 401)


def test_catalogue_is_read_only(api, world, catalogue):
    client = api.as_user(world.admin)
    assert client.post("/v2/subscriptions/plans", {"code": "x"}).status_code == 405
    assert client.delete(f"/v2/subscriptions/plans/{catalogue['pci-open'].pk}").status_code == 405


def test_features_are_extensible_by_data(api, world, catalogue):
    PlanFeature.objects.create(plan=catalogue["pci-standard"], name="ai_chat", limit=None, enabled=False)
    response = api.as_user(world.user).get("/v2/subscriptions/plans", {"q[code]": "pci-standard"})
    assert response.json()["data"][0]["attributes"]["features"]["ai_chat"] == {"enabled": False, "limit": None}


def test_plans_query_count_is_constant(api, world, catalogue):
    product = catalogue["pci-standard"].product
    for index in range(30):
        plan = Plan.objects.create(code=f"extra-{index}", name=f"Extra {index}", product=product)
        PlanFeature.objects.create(plan=plan, name="number_of_ips", limit=index)
    client = api.as_user(world.user)
    client.get("/v2/subscriptions/plans", {"per_page": 1})
    counts = []
    for per_page in (2, 30):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/v2/subscriptions/plans", {"per_page": per_page}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts

"""The one limits service: check_limit(organization, product, feature, amount) and the usage
calculators other apps register (conventions.md, limits: a 422 whose message names the limit)."""

import pytest

from config.api.errors import LimitExceeded
from organizations.models import Subscription
from organizations.services.limits import USAGE_CALCULATORS, check_limit, register_usage, usage_of

from .conftest import give

FEATURE = "number_of_ips"


@pytest.fixture
def usage():
    """A temporary number_of_ips calculator: {organization_id: count}, restored afterwards."""
    counts = {}
    calls = []
    previous = USAGE_CALCULATORS.get(FEATURE)

    def calculator(organization_ids, product_code):
        calls.append((tuple(sorted(map(str, organization_ids))), product_code))
        return {org_id: counts.get((org_id, product_code), 0) for org_id in organization_ids}

    register_usage(FEATURE, calculator)
    yield counts, calls
    if previous is None:
        USAGE_CALCULATORS.pop(FEATURE, None)
    else:
        USAGE_CALCULATORS[FEATURE] = previous


def test_within_the_limit_returns_the_subscription(world, subscribed, usage):
    counts, _calls = usage
    counts[(world.customer.pk, "pci")] = 10
    assert check_limit(world.customer, "pci", FEATURE, 6) == subscribed["customer_pci"]


def test_over_the_limit_is_a_422_naming_the_limit(world, subscribed, usage):
    counts, calls = usage
    counts[(world.customer.pk, "pci")] = 10
    with pytest.raises(LimitExceeded) as raised:
        check_limit(world.customer, "pci", FEATURE, 7)
    error = raised.value
    assert error.status == 422
    assert FEATURE in error.message and "16" in error.message
    assert list(error.errors) == [FEATURE]
    assert calls == [((str(world.customer.pk),), "pci")]


def test_current_overrides_the_registered_usage(world, subscribed, usage):
    counts, calls = usage
    counts[(world.customer.pk, "pci")] = 16
    check_limit(world.customer, "pci", FEATURE, 4, current=12)
    assert calls == []


def test_without_a_calculator_usage_counts_as_zero(world, subscribed):
    saved = USAGE_CALCULATORS.pop("concurrent_scans", None)
    try:
        check_limit(world.customer, "pci", "concurrent_scans", 2)
        with pytest.raises(LimitExceeded):
            check_limit(world.customer, "pci", "concurrent_scans", 3)
    finally:
        if saved is not None:
            USAGE_CALCULATORS["concurrent_scans"] = saved


def test_no_live_subscription_is_a_422(world, subscribed):
    with pytest.raises(LimitExceeded) as raised:
        check_limit(world.customer, "vrms", FEATURE, 1)
    assert "vrms" in raised.value.message and FEATURE in raised.value.errors


def test_a_cancelled_subscription_does_not_count(world, subscribed):
    Subscription.objects.filter(pk=subscribed["customer_pci"].pk).update(status="cancelled")
    with pytest.raises(LimitExceeded):
        check_limit(world.customer, "pci", FEATURE, 1)


def test_a_trial_subscription_counts(world, catalogue):
    plan = catalogue["vrms-standard"]
    plan.trial_enabled, plan.trial_duration_days = True, 14
    plan.save()
    subscription = give(world.customer, plan)
    assert subscription.status == "trial"
    assert check_limit(world.customer, "vrms", FEATURE, 64) == subscription


def test_unlimited_feature(world, subscribed, usage):
    counts, _calls = usage
    assert subscribed["partner_vrms"].features["rescans"]["limit"] is None
    check_limit(world.partner_org, "vrms", "rescans", 10**6)


def test_disabled_or_missing_feature_is_a_422(world, subscribed):
    subscription = subscribed["customer_pci"]
    subscription.features["rescans"] = {"enabled": False, "limit": 3}
    subscription.save()
    with pytest.raises(LimitExceeded) as raised:
        check_limit(world.customer, "pci", "rescans", 1)
    assert "rescans" in raised.value.message
    with pytest.raises(LimitExceeded):
        check_limit(world.customer, "pci", "ai_chat", 1)


def test_usage_of_reports_every_registered_feature(world, subscribed, usage):
    counts, _calls = usage
    counts[(world.customer.pk, "pci")] = 7
    assert usage_of(world.customer, "pci")[FEATURE] == 7


def test_subscriptions_show_usage_from_the_calculators_in_one_batch(api, world, subscribed, usage, catalogue):
    counts, calls = usage
    counts[(world.customer.pk, "pci")] = 9
    give(world.customer, catalogue["vrms-standard"])
    counts[(world.customer.pk, "vrms")] = 3
    response = api.as_user(world.manager).get(f"/v2/organizations/{world.customer.pk}/subscriptions")
    by_product = {s["attributes"]["product"]["code"]: s["attributes"] for s in response.json()["data"]}
    assert by_product["pci"]["usage"][FEATURE] == 9
    assert by_product["vrms"]["usage"][FEATURE] == 3
    assert len(calls) == 3  # one call per product of the catalogue, not per subscription


def test_limit_error_maps_to_the_conventions_error_body(world, subscribed, usage):
    from config.api.exceptions import handle_exception

    counts, _calls = usage
    counts[(world.customer.pk, "pci")] = 16
    with pytest.raises(LimitExceeded) as raised:
        check_limit(world.customer, "pci", FEATURE, 1)
    response = handle_exception(raised.value, {})
    assert response.status_code == 422
    assert response.data["status_text"] == "Parameter Error"
    assert FEATURE in response.data["message"] and FEATURE in response.data["errors"]

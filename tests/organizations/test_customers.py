"""POST /v2/users/create_customer: organization, first user and subscriptions in one call,
all or nothing."""


import pytest
from django.core import mail

from accounts.models import User
from organizations.models import Organization, Subscription
from tests.api_mixins import assert_error
from tests.factories import UserFactory

URL = "/v2/users/create_customer"


def customer_body(organization=None, user=None, plans=None, **extra):
    body = {
        "organization": {"name": "Newco", "company_name": "Newco Ltd", **(organization or {})},
        "user": {"username": "newco_admin", "email": "admin@newco.example", "first_name": "Ada", **(user or {})},
        **extra,
    }
    if plans is not None:
        body["plans"] = plans
    return {"customer": body}


def nothing_left_behind():
    assert not Organization.objects.filter(name="Newco").exists()
    assert not User.objects.filter(username="newco_admin").exists()
    assert not Subscription.objects.filter(organization__name="Newco").exists()


def test_partner_onboards_a_customer(api, world, subscribed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(world.partner).post(URL, customer_body(plans=[{"plan": "pci-open", "features": {"number_of_ips": {"limit": 40}}}]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["data"]["type"] == "organization"
    organization = Organization.objects.get(pk=body["data"]["id"])
    assert organization.parent == world.partner_org
    user = User.objects.get(username="newco_admin")
    assert (user.organization, user.role, user.confirmed) == (organization, "Manager", False)
    included = {item["type"]: item for item in body["included"]}
    assert included["user"]["id"] == str(user.pk)
    plans = sorted(s.plan.code for s in organization.subscriptions.all())
    assert plans == ["pci-open", "vrms-standard"]
    assert organization.subscriptions.get(plan__code="pci-open").features["number_of_ips"]["limit"] == 40
    assert [m.to for m in mail.outbox] == [["admin@newco.example"]]  # the invitation


def test_defaults_without_plans_and_a_password_confirms_the_user(api, world, subscribed):
    response = api.as_user(world.partner).post(URL, customer_body(user={"password": "A-long-enough-pass-123", "role": "User"}))
    assert response.status_code == 201, response.content
    organization = Organization.objects.get(name="Newco")
    assert sorted(s.plan.code for s in organization.subscriptions.all()) == ["pci-standard", "vrms-standard"]
    user = User.objects.get(username="newco_admin")
    assert (user.role, user.confirmed, user.check_password("A-long-enough-pass-123")) == ("User", True, True)


def test_unwrapped_body(api, world, subscribed):
    response = api.as_user(world.partner).post(URL, customer_body()["customer"])
    assert response.status_code == 201, response.content


def test_skip_default_subscription_without_plans_is_422(api, world, subscribed):
    response = api.as_user(world.partner).post(URL, customer_body({"skip_default_subscription": True}))
    assert_error(response, 422, "plans")
    nothing_left_behind()


def test_skip_default_subscription_with_plans(api, world, subscribed):
    response = api.as_user(world.partner).post(URL, customer_body({"skip_default_subscription": True}, plans=["vrms-standard"]))
    assert response.status_code == 201, response.content
    assert [s.plan.code for s in Subscription.objects.filter(organization__name="Newco")] == ["vrms-standard"]


@pytest.mark.parametrize("user, field", [
    ({"email": "not-an-address"}, "user.email"),
    ({"email": "manager@example.com"}, "user.email"),  # already taken (the world's manager)
    ({"email": "MANAGER@example.com"}, "user.email"),  # taken, whatever the case
    ({"username": "manager"}, "user.username"),
    ({"username": ""}, "user.username"),
])
def test_a_failing_user_leaves_nothing_behind(api, world, subscribed, user, field):
    assert_error(api.as_user(world.partner).post(URL, customer_body(user=user)), 422, field)
    nothing_left_behind()


@pytest.mark.parametrize("plans, field", [
    ([{"plan": "gold"}], "plans.0.plan"),
    ([{"plan": "pci-standard"}, {"plan": "vrms-standard", "interval": "weekly"}], "plans.1.interval"),
    ([{"plan": "pci-open", "features": {"number_of_ips": {"limit": 5000}}}], "features.number_of_ips.limit"),
    ([{"plan": "pci-standard", "start_date": "2024-02-01", "end_date": "2024-01-01"}], "plans.0.end_date"),
])
def test_a_failing_plan_leaves_nothing_behind(api, world, subscribed, plans, field):
    response = api.as_user(world.partner).post(URL, customer_body(plans=plans))
    body = assert_error(response, 422)
    assert any(name.endswith(field) for name in body["errors"]), body
    nothing_left_behind()


def test_a_role_above_the_caller_fails_after_the_organization_and_rolls_back(api, world, subscribed):
    # the organization and subscriptions are made before the user: the rollback must undo them
    response = api.as_user(world.partner).post(URL, customer_body(user={"role": "Admin"}))
    assert_error(response, 422, "user.role")
    nothing_left_behind()


@pytest.mark.parametrize(
    "organization, user, field",
    [
        ({}, {"password": "short"}, "user.password"),
        ({"partner": True}, {}, "organization.partner"),
    ],
)
def test_rule_errors_name_the_nested_field(api, world, subscribed, organization, user, field):
    # conventions.md, Errors: `errors` names nested fields dotted, also for the rules checked
    # after validation (a role above the caller's, a weak password, partner set by a partner)
    response = api.as_user(world.partner).post(URL, customer_body(organization, user))
    body = assert_error(response, 422, field)
    assert list(body["errors"]) == [field]
    nothing_left_behind()


def test_a_customer_as_parent_names_the_nested_field(api, world, subscribed):
    response = api.as_user(world.partner).post(URL, customer_body({"parent_organization": str(world.customer.pk)}))
    assert_error(response, 422, "organization.parent_organization")
    nothing_left_behind()


def test_missing_parts_are_422(api, world, subscribed):
    client = api.as_user(world.partner)
    assert_error(client.post(URL, {"customer": {"user": {"username": "x", "email": "x@example.com"}}}), 422, "organization")
    assert_error(client.post(URL, {"customer": {"organization": {"name": "Newco", "company_name": "N"}}}), 422, "user")
    assert_error(client.post(URL, customer_body({"company_name": ""})), 422, "organization.company_name")
    nothing_left_behind()


def test_existing_organization_by_id(api, world, subscribed):
    response = api.as_user(world.partner).post(URL, {"customer": {
        "organization_id": str(world.customer.pk), "plans": ["vrms-standard"],
        "user": {"username": "newco_admin", "email": "admin@newco.example"}}})
    assert response.status_code == 201, response.content
    assert User.objects.get(username="newco_admin").organization == world.customer
    assert world.customer.subscriptions.filter(plan__code="vrms-standard", status="active").exists()


@pytest.mark.parametrize("raw", ["other", "0b7e5c1e-3c1a-4d4e-9a8f-2f6f1c9d8e7a"])
def test_foreign_or_unknown_organization_id_is_404(api, world, subscribed, raw):
    organization_id = str(world.other_org.pk) if raw == "other" else raw
    response = api.as_user(world.partner).post(URL, {"customer": {
        "organization_id": organization_id, "user": {"username": "newco_admin", "email": "admin@newco.example"}}})
    assert_error(response, 404)
    assert not User.objects.filter(username="newco_admin").exists()


def test_parent_organization_of_another_partner_is_422(api, world, subscribed):
    rival = UserFactory(role="Partner", organization__partner=True).organization
    response = api.as_user(world.partner).post(URL, customer_body({"parent_organization": str(rival.pk)}))
    assert_error(response, 422, "organization.parent_organization")
    nothing_left_behind()


def test_admin_places_the_customer_below_a_partner(api, world, subscribed):
    response = api.as_user(world.admin).post(URL, customer_body({"parent_organization": str(world.partner_org.pk)}))
    assert response.status_code == 201, response.content
    assert Organization.objects.get(name="Newco").parent == world.partner_org


@pytest.mark.parametrize("role", ["manager", "user", "viewer"])
def test_only_partners_and_staff_onboard_customers(api, world, subscribed, role):
    assert_error(api.as_user(getattr(world, role)).post(URL, customer_body()), 403)
    nothing_left_behind()

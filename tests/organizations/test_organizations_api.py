"""The Organizations section of endpoints.md (subscribe/unsubscribe/dependent_subscriptions come
with subscriptions; the CSV export has its own file)."""

import pytest

from accounts.models import User
from organizations.models import Organization
from tests.api_mixins import (
    CreateTests,
    DeleteTests,
    ListTests,
    RetrieveTests,
    UpdateTests,
    assert_error,
    assert_list_envelope,
    assert_resource,
)
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
UNKNOWN_ID = "2c9d4e6f-8a1b-4c3d-9e5f-7a9b1c3d5e7f"  # fixed: xdist workers must collect the same ids


class TestOrganizationsResource(ListTests, RetrieveTests, CreateTests, UpdateTests, DeleteTests):
    collection = "/v2/organizations"
    resource_type = "organization"
    resource_name = "organization"
    write_roles = {"create": ("Partner", "Admin"), "update": ("Manager", "Partner", "Admin"),
                   "delete": ("Partner", "Admin")}
    update_answers_empty = True
    create_body = {"name": "Acme", "company_name": "Acme S.A.", "city": "Athens"}
    update_body = {"name": "Renamed", "country": "Greece"}
    invalid_body = ({"name": ""}, "name")

    def make(self, world, organization):
        """A customer organization below `organization` (so a partner there sees it)."""
        return OrganizationFactory(parent=organization)

    def caller(self, world, action="list"):
        return world.partner

    def visible_row(self, world, user):
        return user.organization

    def assert_created(self, attributes, body):
        assert (attributes["name"], attributes["company_name"]) == ("Acme", "Acme S.A.")
        assert attributes["uuid"] == body["id"]
        assert attributes["details"]["city"] == "Athens"
        assert body["relationships"]["parent_organization"]["data"]["id"] == attributes["parent_organization_id"]

    def assert_updated(self, attributes):
        assert (attributes["name"], attributes["details"]["country"]) == ("Renamed", "Greece")


def names(response):
    assert response.status_code == 200, response.content
    assert_list_envelope(response.json(), "organization")
    return {item["attributes"]["name"] for item in response.json()["data"]}


class TestReach:
    def test_manager_sees_its_own_organization(self, api, world):
        assert names(api.as_user(world.manager).get("/v2/organizations")) == {"Customer Org"}

    def test_partner_sees_itself_and_its_customers(self, api, world):
        nested = OrganizationFactory(name="Nested", parent=world.customer)
        assert names(api.as_user(world.partner).get("/v2/organizations")) == {"Partner Org", "Customer Org",
                                                                              nested.name}

    def test_admin_sees_everything(self, api, world):
        assert names(api.as_user(world.admin).get("/v2/organizations")) == {
            "Platform Staff", "Partner Org", "Customer Org", "Other Org"}

    def test_partner_cannot_reach_other_organizations(self, api, world):
        client = api.as_user(world.partner)
        assert_error(client.get(f"/v2/organizations/{world.other_org.pk}"), 404)
        assert_error(client.put(f"/v2/organizations/{world.other_org.pk}", {"organization": {"name": "X"}}), 404)
        assert_error(client.delete(f"/v2/organizations/{world.other_org.pk}"), 404)
        assert_error(client.get(f"/v2/organizations/{world.staff.pk}"), 404)

    def test_documented_attributes(self, api, world):
        attributes = api.as_user(world.manager).get(f"/v2/organizations/{world.customer.pk}").json()["data"]["attributes"]
        assert set(attributes) >= {"uuid", "name", "description", "company_name", "partner", "creation_time",
                                   "modification_time", "members", "settings", "details", "incomplete_details"}
        assert set(attributes["details"]) == {"address", "city", "state", "zipcode", "country", "phone", "website",
                                              "email", "contact_name", "contact_title", "contact_phone",
                                              "contact_email"}
        assert {m["username"] for m in attributes["members"]} == {"manager", "plainuser", "viewer"}
        assert set(attributes["members"][0]) == {"id", "username", "partner"}
        assert attributes["settings"] == {"can_edit_organization": True}

    def test_viewer_cannot_edit(self, api, world):
        attributes = api.as_user(world.viewer).get(f"/v2/organizations/{world.customer.pk}").json()["data"]["attributes"]
        assert attributes["settings"] == {"can_edit_organization": False}


class TestCreate:
    def test_partner_creates_a_customer_below_itself(self, api, world):
        response = api.as_user(world.partner).post("/v2/organizations",
                                                   {"organization": {"name": "New", "company_name": "New Ltd"}})
        assert response.status_code == 201
        assert Organization.objects.get(name="New").parent == world.partner_org

    def test_partner_creates_below_one_of_its_customers_only_if_partner(self, api, world):
        response = api.as_user(world.partner).post("/v2/organizations", {"organization": {
            "name": "New", "company_name": "New Ltd", "parent_organization": str(world.customer.pk)}})
        assert_error(response, 422, "parent_organization")

    def test_admin_creates_a_partner(self, api, world):
        response = api.as_user(world.admin).post("/v2/organizations", {"organization": {
            "name": "Reseller", "company_name": "Reseller Ltd", "partner": True}})
        assert response.status_code == 201
        assert response.json()["data"]["attributes"]["partner"] is True
        assert response.json()["data"]["relationships"]["parent_organization"]["data"] is None

    def test_admin_places_a_customer_below_a_partner(self, api, world):
        response = api.as_user(world.admin).post("/v2/organizations", {"organization": {
            "name": "New", "company_name": "New Ltd", "parent_organization": str(world.partner_org.pk)}})
        assert response.json()["data"]["attributes"]["parent_organization_id"] == str(world.partner_org.pk)

    def test_unknown_siblings_of_the_wrapper_are_ignored(self, api, world):
        response = api.as_user(world.partner).post("/v2/organizations", {
            "organization": {"name": "New", "company_name": "New Ltd"}, "colour": "blue"})
        assert response.status_code == 201

    def test_details_nested_or_flat(self, api, world):
        response = api.as_user(world.partner).post("/v2/organizations", {"organization": {
            "name": "N", "company_name": "N", "details": {"city": "Volos"}, "phone": "+302421000000"}})
        details = response.json()["data"]["attributes"]["details"]
        assert (details["city"], details["phone"]) == ("Volos", "+302421000000")

    @pytest.mark.parametrize(("body", "field"), [
        ({"company_name": "X"}, "name"),
        ({"name": "X"}, "company_name"),
        ({"name": "X", "company_name": "X", "partner": True}, "partner"),
        ({"name": "X", "company_name": "X", "parent_organization": "junk"}, "parent_organization"),
        ({"name": "X", "company_name": "X", "email": "nope"}, "email"),
        ({"name": "X", "company_name": "X", "skip_default_subscription": "perhaps"}, "skip_default_subscription"),
        ({"name": "X" * 300, "company_name": "X"}, "name"),
    ])
    def test_invalid_is_422(self, api, world, body, field):
        assert_error(api.as_user(world.partner).post("/v2/organizations", {"organization": body}), 422, field)

    def test_parent_out_of_reach_is_422(self, api, world):
        response = api.as_user(world.partner).post("/v2/organizations", {"organization": {
            "name": "X", "company_name": "X", "parent_organization": str(world.other_org.pk)}})
        assert_error(response, 422, "parent_organization")


class TestUpdate:
    def test_manager_updates_its_own_organization(self, api, world):
        client = api.as_user(world.manager)
        response = client.put(f"/v2/organizations/{world.customer.pk}", {"organization": {"description": "Ours"}})
        assert (response.status_code, response.json()) == (200, {})
        world.customer.refresh_from_db()
        assert world.customer.description == "Ours"

    def test_partner_updates_a_customer(self, api, world):
        response = api.as_user(world.partner).put(f"/v2/organizations/{world.customer.pk}",
                                                  {"organization": {"name": "Renamed"}})
        assert response.json() == {}

    def test_partner_flag_is_for_staff(self, api, world):
        response = api.as_user(world.partner).put(f"/v2/organizations/{world.customer.pk}",
                                                  {"organization": {"partner": True}})
        assert_error(response, 422, "partner")
        assert api.as_user(world.admin).put(f"/v2/organizations/{world.customer.pk}",
                                            {"organization": {"partner": True}}).json() == {}

    def test_parent_cycle_is_422(self, api, world):
        world.customer.partner = True
        world.customer.save()
        response = api.as_user(world.admin).put(f"/v2/organizations/{world.partner_org.pk}",
                                                {"organization": {"parent_organization": str(world.customer.pk)}})
        assert_error(response, 422, "parent_organization")

    def test_manager_cannot_change_the_parent(self, api, world):
        response = api.as_user(world.manager).put(f"/v2/organizations/{world.customer.pk}",
                                                  {"organization": {"parent_organization": None}})
        assert_error(response, 422, "parent_organization")


class TestDelete:
    def test_with_customers_is_422(self, api, world):
        assert_error(api.as_user(world.admin).delete(f"/v2/organizations/{world.partner_org.pk}"), 422)
        assert Organization.objects.filter(pk=world.partner_org.pk).exists()

    def test_deletes_its_users(self, api, world):
        response = api.as_user(world.partner).delete(f"/v2/organizations/{world.customer.pk}")
        assert (response.status_code, response.json()) == (200, {})
        assert not User.objects.filter(pk__in=[world.manager.pk, world.user.pk]).exists()

    def test_own_organization_is_422(self, api, world):
        assert_error(api.as_user(world.partner).delete(f"/v2/organizations/{world.partner_org.pk}"), 422)

    def test_staff_organization_is_422(self, api, world):
        other_admin = UserFactory(role="Admin", organization=OrganizationFactory())
        assert_error(api.as_user(other_admin).delete(f"/v2/organizations/{world.staff.pk}"), 422)


class TestMove:
    URL = "/v2/organizations/move"

    def test_moves_and_returns_the_target_organization(self, api, world):
        target = OrganizationFactory(name="Target", parent=world.partner_org)
        response = api.as_user(world.partner).put(self.URL, params={"user_id": str(world.user.pk),
                                                                    "organization_id": str(target.pk)})
        assert response.status_code == 200
        assert_resource(response.json()["data"], "organization")
        assert response.json()["data"]["id"] == str(target.pk)
        world.user.refresh_from_db()
        assert world.user.organization == target
        assert "plainuser" in {m["username"] for m in response.json()["data"]["attributes"]["members"]}

    def test_json_body(self, api, world):
        response = api.as_user(world.admin).put(self.URL, {"user_id": str(world.other_user.pk),
                                                           "organization_id": str(world.customer.pk)})
        assert response.status_code == 200
        world.other_user.refresh_from_db()
        assert world.other_user.organization == world.customer

    @pytest.mark.parametrize(("user", "org"), [("other_user", "customer"), ("user", "other_org")])
    def test_out_of_reach_is_404(self, api, world, user, org):
        response = api.as_user(world.partner).put(self.URL, {
            "user_id": str(getattr(world, user).pk), "organization_id": str(getattr(world, org).pk)})
        assert_error(response, 404)
        world.user.refresh_from_db()
        assert world.user.organization == world.customer

    @pytest.mark.parametrize(("body", "field"), [
        ({"organization_id": UNKNOWN_ID}, "user_id"),
        ({"user_id": "junk", "organization_id": UNKNOWN_ID}, "user_id"),
        ({"user_id": UNKNOWN_ID}, "organization_id"),
    ])
    def test_missing_or_malformed_is_422(self, api, world, body, field):
        assert_error(api.as_user(world.partner).put(self.URL, body), 422, field)

    @pytest.mark.parametrize("role", ["manager", "user", "viewer"])
    def test_partner_or_admin_only(self, api, world, role):
        response = api.as_user(getattr(world, role)).put(self.URL, {
            "user_id": str(world.user.pk), "organization_id": str(world.customer.pk)})
        assert_error(response, 403)

    def test_moving_oneself_is_422(self, api, world):
        response = api.as_user(world.partner).put(self.URL, {
            "user_id": str(world.partner.pk), "organization_id": str(world.customer.pk)})
        assert_error(response, 422, "user_id")

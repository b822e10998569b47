"""Rules the contract states, for every caller (issue 13, item 9): an organization keeps a Manager,
every role signs out, partners move organizations only inside their own subtree, and customers
subscribe only to plans meant for them and within their partner's own limits."""

import pytest
from django.test import Client

from accounts.models import User
from organizations.models import Plan, PlanFeature
from tests.api_mixins import assert_error
from tests.factories import OrganizationFactory, UserFactory

from .conftest import give

pytestmark = pytest.mark.django_db


class TestLastManager:
    def test_bulk_deleting_every_manager_is_422_even_for_an_admin(self, api, world):
        second = UserFactory(role="Manager", organization=world.customer)
        ids = [str(world.manager.pk), str(second.pk)]
        assert_error(api.as_user(world.admin).delete("/v2/users", {"ids": ids}), 422)
        assert User.objects.filter(pk__in=ids).count() == 2
        assert api.as_user(world.admin).delete("/v2/users", {"ids": ids[1:]}).status_code == 200  # one of two

    def test_moving_the_last_manager_away_is_422(self, api, world):
        admin = api.as_user(world.admin)
        assert_error(admin.put(f"/v2/users/{world.manager.pk}", {"user": {"organization_id": str(world.other_org.pk)}}),
                     422, "organization_id")
        assert_error(admin.put("/v2/organizations/move", params={"user_id": str(world.manager.pk),
                                                                 "organization_id": str(world.other_org.pk)}),
                     422, "user_id")
        world.manager.refresh_from_db()
        assert world.manager.organization == world.customer

    def test_the_django_admin_refuses_too(self, world):
        client = Client()
        client.force_login(world.admin)
        url = f"/admin/accounts/user/{world.manager.pk}/delete/"
        page = client.get(url)
        assert "last Manager" in page.content.decode()
        client.post(url, {"post": "yes"})
        assert User.objects.filter(pk=world.manager.pk).exists()


@pytest.mark.parametrize("who", ["viewer", "user", "manager", "partner", "admin"])
def test_every_role_signs_out_and_the_token_stops_working(api, world, who):
    client = api.as_user(getattr(world, who))
    assert client.delete("/auth/sign_out").status_code == 200
    assert_error(client.get("/v2/user/me"), 401)


class TestPartnerMoves:
    def test_a_partner_cannot_detach_its_own_organization(self, api, world):
        world.partner_org.parent = OrganizationFactory(name="Distributor", partner=True)
        world.partner_org.save()
        partner = api.as_user(world.partner)
        assert_error(partner.put(f"/v2/organizations/{world.partner_org.pk}", {"parent_organization": None}),
                     422, "parent_organization")
        world.partner_org.refresh_from_db()
        assert world.partner_org.parent is not None
        reseller = OrganizationFactory(name="Reseller", partner=True, parent=world.partner_org)
        assert_error(partner.put(f"/v2/organizations/{world.partner_org.pk}", {"parent_organization": str(reseller.pk)}),
                     422, "parent_organization")

    def test_a_partner_cannot_move_anything_to_the_top(self, api, world):
        response = api.as_user(world.partner).put(f"/v2/organizations/{world.customer.pk}", {"parent_organization": None})
        assert_error(response, 422, "parent_organization")
        world.customer.refresh_from_db()
        assert world.customer.parent == world.partner_org

    def test_a_partner_cannot_make_a_cycle(self, api, world):
        reseller = OrganizationFactory(name="Reseller", partner=True, parent=world.partner_org)
        below = OrganizationFactory(name="Below", partner=True, parent=reseller)
        response = api.as_user(world.partner).put(f"/v2/organizations/{reseller.pk}", {"parent_organization": str(below.pk)})
        assert_error(response, 422, "parent_organization")

    def test_staff_move_organizations_to_the_top(self, api, world):
        response = api.as_user(world.admin).put(f"/v2/organizations/{world.customer.pk}", {"parent_organization": None})
        assert response.status_code == 200, response.content
        world.customer.refresh_from_db()
        assert world.customer.parent is None


class TestPlanAudience:
    def test_a_customer_cannot_take_a_partners_plan(self, api, world, catalogue):
        response = api.as_user(world.manager).post("/v2/organizations/subscribe", {"plan": "pci-partner"})
        assert_error(response, 422, "plan")
        response = api.as_user(world.partner).post(f"/v2/organizations/{world.customer.pk}/subscribe",
                                                   {"plan": "pci-partner"})
        assert_error(response, 422, "plan")

    def test_a_customer_cannot_go_past_its_partners_own_limits(self, api, world, catalogue):
        give(world.partner_org, catalogue["pci-standard"])  # the partner itself: 16 addresses
        big = Plan.objects.create(code="pci-big", name="Big", product=catalogue["pci-standard"].product)
        PlanFeature.objects.create(plan=big, name="number_of_ips", limit=100)
        newcomer = OrganizationFactory(name="Newcomer", parent=world.partner_org)
        manager = UserFactory(role="Manager", organization=newcomer)
        response = api.as_user(manager).post("/v2/organizations/subscribe", {"plan": "pci-big"})
        assert_error(response, 422, "plan")
        assert "number_of_ips" in response.json()["message"]
        assert api.as_user(manager).post("/v2/organizations/subscribe", {"plan": "pci-standard"}).status_code == 200

    def test_the_plan_list_shows_what_the_caller_may_subscribe_to(self, api, world, catalogue):
        def listed(user):
            response = api.as_user(user).get("/v2/subscriptions/plans", {"per_page": 100})
            return {item["attributes"]["code"]: item["attributes"]["audience"] for item in response.json()["data"]}

        assert listed(world.manager) == {"pci-standard": "both", "pci-open": "customers", "vrms-standard": "both",
                                         "pentest-basic": "both"}
        assert set(listed(world.partner)) == {"pci-standard", "pci-partner", "vrms-standard", "pentest-basic"}
        assert set(listed(world.admin)) == set(catalogue)
        partner_plan = catalogue["pci-partner"]
        assert_error(api.as_user(world.manager).get(f"/v2/subscriptions/plans/{partner_plan.pk}"), 404)

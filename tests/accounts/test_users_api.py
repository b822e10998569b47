"""The Users section of endpoints.md: /v2/users (list, create, get, delete, bulk delete).
The seed page (PUT /v2/users/{id}) has its own file, test_seed_page.py."""

import uuid

import pytest
from django.core import mail

from accounts.models import User
from tests.api_mixins import CrudTests, assert_error, assert_list_envelope
from tests.conftest import PASSWORD
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestUsersResource(CrudTests):
    collection = "/v2/users"
    resource_type = "user"
    resource_name = "user"
    write_roles = ("Manager", "Partner", "Admin")
    update_answers_empty = True
    create_body = {"username": "newbie", "email": "newbie@example.com", "role": "User",
                   "password": "a-long-enough-secret-1"}
    update_body = {"city": "Athens", "first_name": "Joe"}
    invalid_body = ({"email": "not-an-address"}, "email")
    detail_params = {"details": "true"}

    def make(self, world, organization):
        return UserFactory(organization=organization)

    def assert_created(self, attributes, body):
        assert attributes["username"] == "newbie"
        assert attributes["role"] == "User"
        assert attributes["organization"]["name"] == "Customer Org"
        assert body["relationships"]["organization"]["data"]["type"] == "organization"

    def assert_updated(self, attributes):
        assert attributes["details"]["city"] == "Athens"
        assert attributes["details"]["first_name"] == "Joe"


def ids(response):
    assert response.status_code == 200, response.content
    assert_list_envelope(response.json(), "user")
    return {item["attributes"]["username"] for item in response.json()["data"]}


CUSTOMER_USERS = {"manager", "plainuser", "viewer"}


class TestListReach:
    def test_manager_sees_own_organization_only(self, api, world):
        assert ids(api.as_user(world.manager).get("/v2/users")) == CUSTOMER_USERS

    def test_partner_sees_itself_and_its_customers(self, api, world):
        assert ids(api.as_user(world.partner).get("/v2/users")) == {"partner", *CUSTOMER_USERS}

    def test_partner_sees_customers_of_customers(self, api, world):
        nested = OrganizationFactory(parent=world.customer)
        UserFactory(username="deep", organization=nested)
        assert "deep" in ids(api.as_user(world.partner).get("/v2/users"))

    def test_admin_sees_everyone(self, api, world):
        assert ids(api.as_user(world.admin).get("/v2/users", {"per_page": 100})) == {
            "admin", "partner", "othermanager", "otheruser", *CUSTOMER_USERS,
        }

    def test_partner_reaches_customer_users_but_not_other_organizations(self, api, world):
        client = api.as_user(world.partner)
        assert client.get(f"/v2/users/{world.user.pk}").status_code == 200
        assert_error(client.get(f"/v2/users/{world.other_user.pk}"), 404)
        assert_error(client.get(f"/v2/users/{world.admin.pk}"), 404)

    def test_details_block_only_on_request(self, api, world):
        client = api.as_user(world.manager)
        assert "details" not in client.get(f"/v2/users/{world.user.pk}").json()["data"]["attributes"]
        details = client.get(f"/v2/users/{world.user.pk}", {"details": "true"}).json()["data"]["attributes"]["details"]
        assert set(details) == {"first_name", "last_name", "phone", "mobile_phone", "url", "title", "address",
                                "city", "state", "country", "zipcode", "comment"}

    def test_documented_attributes(self, api, world):
        attributes = api.as_user(world.manager).get(f"/v2/users/{world.user.pk}").json()["data"]["attributes"]
        assert set(attributes) >= {
            "id", "username", "role", "email", "locale", "timezone", "active_product", "organization",
            "created_at", "updated_at", "last_sign_in_at", "last_sign_in_ip", "sign_in_count",
            "two_factor_authentication", "incomplete_details",
        }
        assert set(attributes["two_factor_authentication"]) == {
            "enabled", "otp_sms_enabled", "otp_totp_enabled", "otp_phone", "otp_default_method",
        }
        assert attributes["organization"] == {"id": str(world.customer.pk), "name": "Customer Org"}
        assert attributes["created_at"].endswith("Z") and len(attributes["created_at"]) == 24


class TestCreate:
    def body(self, **fields):
        return {"user": {"username": "fresh", "email": "fresh@example.com", **fields}}

    def test_with_password_the_user_can_sign_in(self, api, world):
        response = api.as_user(world.manager).post("/v2/users", self.body(password="a-long-enough-secret-1"))
        assert response.status_code == 201
        signed_in = api.post("/auth/sign_in", {"username": "fresh", "password": "a-long-enough-secret-1"})
        assert signed_in.status_code == 200

    def test_without_password_an_invitation_is_sent(self, api, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.as_user(world.manager).post("/v2/users", self.body())
        assert response.status_code == 201
        user = User.objects.get(username="fresh")
        assert not user.confirmed and not user.has_usable_password()
        assert [m.to for m in mail.outbox] == [["fresh@example.com"]]

    def test_defaults_to_the_callers_organization_and_user_role(self, api, world):
        api.as_user(world.manager).post("/v2/users", self.body(password="a-long-enough-secret-1"))
        user = User.objects.get(username="fresh")
        assert (user.organization, user.role) == (world.customer, "User")

    def test_partner_creates_in_a_customer_organization(self, api, world):
        response = api.as_user(world.partner).post(
            "/v2/users", self.body(organization_id=str(world.customer.pk), role="Manager"))
        assert response.status_code == 201
        assert User.objects.get(username="fresh").organization == world.customer

    @pytest.mark.parametrize("caller", ["manager", "partner"])
    def test_organization_outside_reach_is_422(self, api, world, caller):
        response = api.as_user(getattr(world, caller)).post(
            "/v2/users", self.body(organization_id=str(world.other_org.pk)))
        assert_error(response, 422, "organization_id")
        assert not User.objects.filter(username="fresh").exists()

    def test_manager_cannot_place_a_user_in_another_visible_organization(self, api, world):
        # A manager sees only its own organization: the partner's is not even reachable.
        response = api.as_user(world.manager).post("/v2/users", self.body(organization_id=str(world.partner_org.pk)))
        assert_error(response, 422, "organization_id")

    @pytest.mark.parametrize(("caller", "role"), [("manager", "Partner"), ("manager", "Admin"), ("partner", "Admin")])
    def test_role_above_the_caller_is_422(self, api, world, caller, role):
        assert_error(api.as_user(getattr(world, caller)).post("/v2/users", self.body(role=role)), 422, "role")

    def test_unknown_role_is_422(self, api, world):
        assert_error(api.as_user(world.manager).post("/v2/users", self.body(role="Boss")), 422, "role")

    @pytest.mark.parametrize("field", ["username", "email"])
    def test_required_fields(self, api, world, field):
        body = self.body()
        del body["user"][field]
        assert_error(api.as_user(world.manager).post("/v2/users", body), 422, field)

    @pytest.mark.parametrize(("field", "value"), [("username", "MANAGER"), ("email", "Manager@Example.com")])
    def test_taken_username_or_email_is_422(self, api, world, field, value):
        assert_error(api.as_user(world.manager).post("/v2/users", self.body(**{field: value})), 422, field)

    def test_weak_password_is_422(self, api, world):
        assert_error(api.as_user(world.manager).post("/v2/users", self.body(password="123")), 422, "password")

    def test_password_is_never_returned(self, api, world):
        response = api.as_user(world.manager).post("/v2/users", self.body(password="a-long-enough-secret-1"))
        assert "a-long-enough-secret-1" not in response.content.decode()
        assert "password" not in response.json()["data"]["attributes"]


class TestDelete:
    def test_last_manager_of_an_organization_with_members_is_422(self, api, world):
        response = api.as_user(world.partner).delete(f"/v2/users/{world.manager.pk}")
        assert_error(response, 422)
        assert User.objects.filter(pk=world.manager.pk).exists()

    def test_a_manager_among_several_can_go(self, api, world):
        UserFactory(role="Manager", organization=world.customer)
        assert api.as_user(world.partner).delete(f"/v2/users/{world.manager.pk}").status_code == 200

    def test_last_manager_alone_in_the_organization_can_go(self, api, world):
        lonely = UserFactory(role="Manager", organization=OrganizationFactory(parent=world.partner_org))
        assert api.as_user(world.partner).delete(f"/v2/users/{lonely.pk}").status_code == 200

    def test_oneself_is_422(self, api, world):
        UserFactory(role="Manager", organization=world.customer)
        assert_error(api.as_user(world.manager).delete(f"/v2/users/{world.manager.pk}"), 422)
        assert User.objects.filter(pk=world.manager.pk).exists()

    def test_manager_cannot_delete_a_partner_user_it_cannot_see(self, api, world):
        assert_error(api.as_user(world.manager).delete(f"/v2/users/{world.partner.pk}"), 404)

    def test_deleted_users_credentials_stop_working(self, api, world):
        client = api.as_user(world.user)
        api.as_user(world.manager).delete(f"/v2/users/{world.user.pk}")
        assert_error(client.get("/v2/user/me"), 401)


class TestBulkDelete:
    def test_all_or_nothing_when_one_is_refused(self, api, world):
        removable = UserFactory(organization=world.customer)
        response = api.as_user(world.manager).delete(
            "/v2/users", {"ids": [str(removable.pk), str(world.manager.pk)]})
        body = assert_error(response, 422)
        assert str(world.manager.pk) in body["errors"]
        assert User.objects.filter(pk=removable.pk).exists()

    def test_ids_in_the_query_string(self, api, world):
        removable = UserFactory(organization=world.customer)
        response = api.as_user(world.manager).delete("/v2/users", params={"ids[]": [str(removable.pk)]})
        assert response.json() == {"deleted": 1, "ids": [str(removable.pk)], "not_found": []}

    def test_empty_list_deletes_nothing(self, api, world):
        response = api.as_user(world.manager).delete("/v2/users", {"ids": []})
        assert response.json() == {"deleted": 0, "ids": [], "not_found": []}

    def test_wrapped_body(self, api, world):
        removable = UserFactory(organization=world.customer)
        response = api.as_user(world.manager).delete("/v2/users", {"user": {"ids": [str(removable.pk)]}})
        assert response.json()["deleted"] == 1


def test_user_role_cannot_manage_users(api, world):
    client = api.as_user(world.user)
    target = UserFactory(organization=world.customer)
    assert_error(client.post("/v2/users", {"user": {"username": "x1", "email": "x1@example.com"}}), 403)
    assert_error(client.put(f"/v2/users/{target.pk}", {"user": {"city": "X"}}), 403)
    assert_error(client.delete(f"/v2/users/{target.pk}"), 403)


def test_sign_in_password_used_by_fixtures(api, world):
    """The fixtures' password works: a guard for the helper tests below rely on."""
    assert api.post("/auth/sign_in", {"username": "manager", "password": PASSWORD}).status_code == 200


def test_unknown_id_is_404_for_admin(api, world):
    assert_error(api.as_user(world.admin).get(f"/v2/users/{uuid.uuid4()}"), 404)


@pytest.mark.parametrize("details", ["false", "true"])
def test_list_reads_every_shown_field_in_one_query(api, world, details):
    """Lists leave unshown columns out; nothing the resource shows may then cost a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(12):
        UserFactory(organization=world.customer, city=f"City {index}", phone="+302101234567")
    client = api.as_user(world.admin)
    client.get("/v2/users", {"per_page": 1})  # warm-up
    counts, bodies = [], []
    for per_page in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/v2/users", {"per_page": per_page, "details": details, "q[organization_id]": str(world.customer.pk)})
        counts.append(len(queries))
        bodies.append(response.json()["data"])
    assert counts[0] == counts[1], counts
    if details == "true":
        assert {row["attributes"]["details"]["city"] for row in bodies[1]} >= {"City 0", "City 11"}
    else:
        assert all("details" not in row["attributes"] for row in bodies[1])

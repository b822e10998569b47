"""The generic API test mixin (GUIDE.md, Tests; modelled on NetBox's APIViewTestCases).

A test class for one /v2 resource composes the capability mixins of the routes it has
(`ListTests`, `RetrieveTests`, `CreateTests`, `UpdateTests`, `DeleteTests`, `BulkDeleteTests`, or
`CrudTests` for all six), declares the resource (`collection`, `resource_type`, `resource_name`,
`write_roles`, `create_body`, `update_body`, `invalid_body`, `update_answers_empty`) and a factory
`make(world, organization)`; the mixins give it the envelope and error shapes, the
cross-organization 404, the role refusals and the query-count check. No test is generated only
to be skipped, and every class checks that it composes one mixin per route the URLconf has. Optional hooks:
`caller`, `visible_row`, `foreign_row`, `get_create_body`, `get_update_body`, `assert_created`,
`assert_updated`. The callers come from the `world` fixture (tests/conftest.py): by default the
Manager of the customer organization; foreign rows live in `world.other_org`.
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

ERROR_KEYS = {"status", "status_text", "message", "errors"}
META_KEYS = {"current_page", "per_page", "total_pages", "total_count"}
LINK_KEYS = {"self", "first", "prev", "next", "last"}
STANDARD_ACTIONS = {"list", "retrieve", "create", "update", "destroy", "bulk_destroy"}
ROLE_USERS = {"Viewer": "viewer", "User": "user", "Manager": "manager", "Partner": "partner", "Admin": "admin"}


def assert_error(response, status, field=None):
    """The one error body of conventions.md; `field` must be named in `errors`."""
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    if field is not None:
        assert field in body["errors"], body
        assert field in body["message"], body
    return body


def routed_actions(collection):
    """The standard actions the URLconf routes for a collection and its members."""
    actions = set()
    for path, methods in ((collection, ("get", "post", "delete")), (f"{collection}/{uuid.uuid4()}", ("get", "put", "delete"))):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        routed = getattr(match.func, "actions", {})
        actions |= {routed[m] for m in methods if routed.get(m) in STANDARD_ACTIONS}
    return actions


def assert_resource(item, resource_type):
    assert set(item) >= {"id", "type", "attributes"}, item
    assert item["type"] == resource_type
    uuid.UUID(item["id"])
    assert item["attributes"]["id"] == item["id"]


def assert_list_envelope(body, resource_type):
    assert set(body) == {"data", "meta", "links"}, body.keys()
    assert set(body["meta"]) == META_KEYS
    assert set(body["links"]) == LINK_KEYS
    for item in body["data"]:
        assert_resource(item, resource_type)


class ResourceTestCase:
    """The declarations and helpers every capability mixin below shares (it generates no test)."""

    collection = None          # "/v2/users"
    resource_type = None       # "user"
    resource_name = None       # body wrapper, "user"
    # Roles that may write; a dict {"create"|"update"|"delete": roles} when they differ per action.
    write_roles = ("Manager", "Partner", "Admin")
    update_answers_empty = False  # True for the documented `200 {}` updates
    create_body = {}
    update_body = {}
    invalid_body = ({}, None)  # (body, field named in the 422)
    detail_params = {}         # query of the read-back GET after an update

    # --- declarations a subclass overrides ---
    def make(self, world, organization):
        raise NotImplementedError

    def caller(self, world, action="list"):
        return world.manager

    def visible_row(self, world, user):
        """A row `user` can see (the target of the role-refusal tests)."""
        return self.make(world, user.organization)

    def foreign_row(self, world):
        return self.make(world, world.other_org)

    def get_create_body(self, world):
        return dict(self.create_body)

    def get_update_body(self, world):
        return dict(self.update_body)

    def assert_created(self, attributes, body):
        pass

    def assert_updated(self, attributes):
        pass

    # --- helpers ---
    def member(self, row):
        return f"{self.collection}/{row.pk}"

    def wrap(self, body):
        return {self.resource_name: body} if self.resource_name else body

    def roles_for(self, action):
        roles = self.write_roles[action] if isinstance(self.write_roles, dict) else self.write_roles
        return set(roles)

    def denied_users(self, world, action):
        """The world's users whose role may not `action`, lowest role first."""
        return [getattr(world, ROLE_USERS[r]) for r in ROLE_USERS if r not in self.roles_for(action)]

    def client_for(self, api, world, action="list"):
        return api.as_user(self.caller(world, action))

    # --- the one test every resource class gets ---
    def test_a_test_mixin_for_every_route_of_the_resource(self):
        """The class composes exactly the capability mixins its routes need: a route added later
        (or a mixin left out) fails here instead of going untested."""
        routed = {ROUTE_MIXINS[action] for action in routed_actions(self.collection)}
        composed = {mixin for mixin in ROUTE_MIXINS.values() if isinstance(self, mixin)}
        assert {m.__name__ for m in composed} == {m.__name__ for m in routed}


class ListTests(ResourceTestCase):
    """GET <collection>: envelope, scoping, credentials, a query count that does not grow."""

    def test_list_envelope(self, api, world):
        self.make(world, self.caller(world).organization)
        response = self.client_for(api, world).get(self.collection)
        assert response.status_code == 200
        body = response.json()
        assert_list_envelope(body, self.resource_type)
        assert body["data"], "the caller's own rows are listed"
        assert (body["meta"]["current_page"], body["meta"]["per_page"]) == (1, 10)

    def test_list_hides_other_organizations(self, api, world):
        foreign = self.foreign_row(world)
        response = self.client_for(api, world).get(self.collection, {"per_page": 100})
        assert str(foreign.pk) not in {item["id"] for item in response.json()["data"]}

    def test_list_needs_credentials(self, api, world):
        assert_error(api.get(self.collection), 401)

    @pytest.mark.parametrize("role", ["admin", "partner", "manager"])
    def test_list_query_count_does_not_grow_with_page_size(self, api, world, role):
        caller = getattr(world, role)
        for _ in range(12):
            self.make(world, caller.organization)
        client = api.as_user(caller)
        client.get(self.collection, {"per_page": 1})  # warm-up: API key last_used_at, caches
        counts = []
        for per_page in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(self.collection, {"per_page": per_page})
            assert response.status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], f"queries for per_page=5 vs 50: {counts}"



class RetrieveTests(ResourceTestCase):
    """GET <collection>/{id}: the resource, trailing slash, 404s, credentials."""

    def test_get(self, api, world):
        row = self.make(world, self.caller(world).organization)
        response = self.client_for(api, world).get(self.member(row))
        body = response.json()
        assert (response.status_code, set(body)) == (200, {"data"})
        assert_resource(body["data"], self.resource_type)
        assert body["data"]["id"] == str(row.pk)

    def test_get_trailing_slash(self, api, world):
        row = self.make(world, self.caller(world).organization)
        assert self.client_for(api, world).get(self.member(row) + "/").status_code == 200

    def test_get_other_organization_is_404(self, api, world):
        assert_error(self.client_for(api, world).get(self.member(self.foreign_row(world))), 404)

    @pytest.mark.parametrize("raw_id", ["not-a-uuid", "12345", "7d4f1c2e-0b6a-4c8e-9f3a-5e2d1b0c9a87"])
    def test_get_malformed_or_unknown_id_is_404(self, api, world, raw_id):
        assert_error(self.client_for(api, world).get(f"{self.collection}/{raw_id}"), 404)

    def test_get_needs_credentials(self, api, world):
        row = self.make(world, world.customer)
        assert_error(api.get(self.member(row)), 401)



class CreateTests(ResourceTestCase):
    """POST <collection>: 201, unwrapped bodies, 422 naming the field, roles below refused."""

    def test_create(self, api, world):
        response = self.client_for(api, world, "create").post(self.collection, self.wrap(self.get_create_body(world)))
        assert response.status_code == 201, response.content
        body = response.json()
        assert set(body) == {"data"}
        assert_resource(body["data"], self.resource_type)
        self.assert_created(body["data"]["attributes"], body["data"])
        read = self.client_for(api, world, "create").get(f"{self.collection}/{body['data']['id']}")
        assert read.status_code == 200

    def test_create_accepts_unwrapped_body(self, api, world):
        response = self.client_for(api, world, "create").post(self.collection, self.get_create_body(world))
        assert response.status_code == 201, response.content

    def test_create_invalid_is_422_naming_the_field(self, api, world):
        body, field = self.invalid_body
        base = {**self.get_create_body(world), **body}
        assert_error(self.client_for(api, world, "create").post(self.collection, self.wrap(base)), 422, field)

    def test_create_refused_to_roles_below(self, api, world):
        for user in self.denied_users(world, "create"):
            assert_error(api.as_user(user).post(self.collection, self.wrap(self.get_create_body(world))), 403)



class UpdateTests(ResourceTestCase):
    """PUT <collection>/{id}: 200 (or the documented `{}`), 404s, roles, 422."""

    def test_update(self, api, world):
        row = self.make(world, self.caller(world, "update").organization)
        client = self.client_for(api, world, "update")
        response = client.put(self.member(row), self.wrap(self.get_update_body(world)))
        assert response.status_code == 200, response.content
        if self.update_answers_empty:
            assert response.json() == {}
        else:
            assert_resource(response.json()["data"], self.resource_type)
        read = client.get(self.member(row), self.detail_params)
        self.assert_updated(read.json()["data"]["attributes"])

    def test_update_accepts_unwrapped_body(self, api, world):
        row, client = self.make(world, self.caller(world, "update").organization), self.client_for(api, world, "update")
        assert client.put(self.member(row), self.get_update_body(world)).status_code == 200
        self.assert_updated(client.get(self.member(row), self.detail_params).json()["data"]["attributes"])

    def test_update_other_organization_is_404(self, api, world):
        client = self.client_for(api, world, "update")
        assert_error(client.put(self.member(self.foreign_row(world)), self.wrap(self.get_update_body(world))), 404)

    def test_update_malformed_id_is_404(self, api, world):
        client = self.client_for(api, world, "update")
        assert_error(client.put(f"{self.collection}/nope", self.wrap(self.get_update_body(world))), 404)

    def test_update_refused_to_roles_below(self, api, world):
        for user in self.denied_users(world, "update"):
            row = self.visible_row(world, user)
            assert_error(api.as_user(user).put(self.member(row), self.wrap(self.get_update_body(world))), 403)

    def test_update_invalid_is_422_naming_the_field(self, api, world):
        body, field = self.invalid_body
        row = self.make(world, self.caller(world, "update").organization)
        assert_error(self.client_for(api, world, "update").put(self.member(row), self.wrap(body)), 422, field)



class DeleteTests(ResourceTestCase):
    """DELETE <collection>/{id}: 200 `{}`, foreign 404, roles below refused."""

    def test_delete(self, api, world):
        row = self.make(world, self.caller(world, "delete").organization)
        client = self.client_for(api, world, "delete")
        response = client.delete(self.member(row))
        assert response.status_code == 200, response.content
        assert response.json() == {}
        assert_error(client.get(self.member(row)), 404)

    def test_delete_other_organization_is_404(self, api, world):
        foreign = self.foreign_row(world)
        assert_error(self.client_for(api, world, "delete").delete(self.member(foreign)), 404)
        assert type(foreign).objects.filter(pk=foreign.pk).exists()

    def test_delete_refused_to_roles_below(self, api, world):
        for user in self.denied_users(world, "delete"):
            row = self.visible_row(world, user)
            assert_error(api.as_user(user).delete(self.member(row)), 403)
            assert type(row).objects.filter(pk=row.pk).exists()



class BulkDeleteTests(ResourceTestCase):
    """DELETE <collection> with `{"ids": [...]}`: counts, not_found, roles, 422."""

    def test_bulk_delete(self, api, world):
        caller = self.caller(world, "delete")
        rows = [self.make(world, caller.organization) for _ in range(2)]
        foreign, unknown = self.foreign_row(world), str(uuid.uuid4())
        ids = [str(r.pk) for r in rows]
        response = api.as_user(caller).delete(self.collection, {"ids": [*ids, str(foreign.pk), unknown, "junk"]})
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"deleted", "ids", "not_found"}
        assert body["deleted"] == 2
        assert sorted(body["ids"]) == sorted(ids)
        assert set(body["not_found"]) == {str(foreign.pk), unknown, "junk"}
        assert not type(foreign).objects.filter(pk__in=ids).exists()
        assert type(foreign).objects.filter(pk=foreign.pk).exists()

    def test_bulk_delete_refused_to_roles_below(self, api, world):
        for user in self.denied_users(world, "delete"):
            row = self.visible_row(world, user)
            assert_error(api.as_user(user).delete(self.collection, {"ids": [str(row.pk)]}), 403)

    def test_bulk_delete_ids_must_be_a_list(self, api, world):
        assert_error(self.client_for(api, world, "delete").delete(self.collection, {"ids": "x"}), 422, "ids")


ROUTE_MIXINS = {"list": ListTests, "retrieve": RetrieveTests, "create": CreateTests, "update": UpdateTests,
                "destroy": DeleteTests, "bulk_destroy": BulkDeleteTests}


class CrudTests(ListTests, RetrieveTests, CreateTests, UpdateTests, DeleteTests, BulkDeleteTests):
    """A resource with every standard route."""

"""conventions.md, Filtering lists, through HTTP: /v2/users and /v2/organizations.
(test_filtering.py unit-tests the parsing; these check what a client sees.)"""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from accounts.models import User
from organizations.models import Organization
from tests.api_mixins import assert_error, assert_list_envelope
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(world):
    """An organization with five users whose names, e-mails and creation times are known."""
    org = OrganizationFactory(name="Lab", company_name="Lab Inc", country="Greece")
    people = [("alice", "2020-01-15T10:00:00"), ("bob", "2020-03-31T23:59:59"), ("carol", "2020-04-01T00:00:00"),
              ("dave", "2021-06-01T12:00:00"), ("Eve Smith", "2022-01-01T00:00:00")]
    for username, created in people:
        user = UserFactory(username=username.replace(" ", "_").lower(), first_name=username.split()[0],
                           last_name=(username.split() + ["Doe"])[1], organization=org,
                           email=f"{username.split()[0].lower()}@lab.example")
        User.objects.filter(pk=user.pk).update(created_at=datetime.fromisoformat(created).replace(tzinfo=UTC))
    return org


def usernames(api, world, lab, **params):
    response = api.as_user(world.admin).get("/v2/users", {"q[organization_id]": str(lab.pk), "per_page": 100,
                                                          **params})
    assert response.status_code == 200, response.content
    return [item["attributes"]["username"] for item in response.json()["data"]]


def bad(api, world, path="/v2/users", **params):
    return api.as_user(world.admin).get(path, params)


class TestSearch:
    @pytest.mark.parametrize(("value", "expected"), [
        ("alice", ["alice"]),
        ("ALICE", ["alice"]),
        ("ali", []),                # without * the whole value must match
        ("ali*", ["alice"]),
        ("*ve", ["dave"]),
        ("*o*", ["bob", "carol"]),
        ("c*l", ["carol"]),
        ("'ali*'", ["alice"]),      # surrounding quotes are stripped
        ('"bob"', ["bob"]),
        ("*", ["alice", "bob", "carol", "dave", "eve_smith"]),
        ("a%", []),                 # LIKE metacharacters are literal
        ("_ob", []),
    ])
    def test_text_wildcards_quotes_and_case(self, api, world, lab, value, expected):
        assert sorted(usernames(api, world, lab, **{"q[username]": value})) == expected

    @pytest.mark.parametrize(("value", "expected"), [
        ("ÉCOLE*", ["École Lumière", "école normale"]),    # LIKE prefix
        ("ÉCOLE normale", ["école normale"]),              # LIKE, the whole value
        ("*LUMIÈRE", ["École Lumière"]),                   # LIKE suffix
        ("*ÖL*", ["Straßenbau Köln"]),                     # LIKE anywhere
        ("straßenbau*KÖLN", ["Straßenbau Köln"]),          # regex
        ("мир", ["МИР"]), ("Ω*", ["ωmega"]),
        ("ecole*", []),                                    # folding case is not removing accents
    ])
    def test_text_case_folds_every_letter_on_every_database(self, api, world, lab, value, expected):
        for name in ("École Lumière", "école normale", "Straßenbau Köln", "МИР", "ωmega"):
            OrganizationFactory(name=name)
        response = api.as_user(world.admin).get("/v2/organizations", {"q[name]": value, "per_page": 100})
        assert sorted(i["attributes"]["name"] for i in response.json()["data"]) == expected

    def test_quoted_value_keeps_spaces(self, api, world, lab):
        OrganizationFactory(name="Big Corp")
        response = api.as_user(world.admin).get("/v2/organizations", {"q[name]": "'big corp'"})
        assert [i["attributes"]["name"] for i in response.json()["data"]] == ["Big Corp"]

    def test_several_columns_are_anded(self, api, world, lab):
        assert usernames(api, world, lab, **{"q[email]": "*@lab.example", "q[first_name]": "eve"}) == ["eve_smith"]
        assert usernames(api, world, lab, **{"q[first_name]": "eve", "q[last_name]": "doe"}) == []

    def test_enum_is_exact(self, api, world, lab):
        UserFactory(username="boss", role="Manager", organization=lab)
        assert usernames(api, world, lab, **{"q[role]": "Manager"}) == ["boss"]
        assert usernames(api, world, lab, **{"q[role]": "Nonexistent"}) == []

    def test_enum_refuses_wildcards(self, api, world, lab):
        assert_error(bad(api, world, **{"q[role]": "Man*"}), 422, "q[role]")

    def test_uuid_is_exact(self, api, world, lab):
        response = bad(api, world, **{"q[organization_id]": str(world.customer.pk)})
        assert {i["attributes"]["username"] for i in response.json()["data"]} == {"manager", "plainuser", "viewer"}
        assert_error(bad(api, world, **{"q[organization_id]": "not-a-uuid"}), 422, "q[organization_id]")

    def test_boolean(self, api, world, lab):
        UserFactory(username="pending", organization=lab, confirmed=False)
        assert usernames(api, world, lab, **{"q[confirmed]": "false"}) == ["pending"]
        assert "pending" not in usernames(api, world, lab, **{"q[confirmed]": "true"})
        assert_error(bad(api, world, **{"q[confirmed]": "sometimes"}), 422, "q[confirmed]")

    def test_organization_columns(self, api, world, lab):
        client = api.as_user(world.admin)
        partners = client.get("/v2/organizations", {"q[partner]": "true"}).json()["data"]
        assert [i["attributes"]["name"] for i in partners] == ["Partner Org"]
        customers = client.get("/v2/organizations", {"q[parent_organization_id]": str(world.partner_org.pk)})
        assert [i["attributes"]["name"] for i in customers.json()["data"]] == ["Customer Org"]
        greek = client.get("/v2/organizations", {"q[country]": "greece", "q[company_name]": "lab*"})
        assert [i["attributes"]["name"] for i in greek.json()["data"]] == ["Lab"]

    @pytest.mark.parametrize(("path", "column", "allowed"), [
        ("/v2/users", "password", "email, username, first_name, last_name, role, organization_id, confirmed"),
        ("/v2/organizations", "members", "name, company_name, partner, parent_organization_id, country"),
    ])
    def test_unknown_column_is_422_listing_the_allowed_ones(self, api, world, path, column, allowed):
        body = assert_error(bad(api, world, path, **{f"q[{column}]": "x"}), 422, f"q[{column}]")
        assert allowed in body["message"]

    @pytest.mark.parametrize("value", ["a\x00b", "*\x00*"])
    def test_nul_characters_are_422_on_every_database(self, api, world, value):
        assert_error(bad(api, world, **{"q[email]": value}), 422, "q[email]")

    def test_search_never_leaks_other_organizations(self, api, world, lab):
        response = api.as_user(world.manager).get("/v2/users", {"q[username]": "*"})
        assert {i["attributes"]["username"] for i in response.json()["data"]} == {"manager", "plainuser", "viewer"}
        response = api.as_user(world.manager).get("/v2/users", {"q[organization_id]": str(lab.pk)})
        assert response.json()["data"] == []


class TestDates:
    @pytest.mark.parametrize(("params", "expected"), [
        ({"date_range_start": "2020-03-31 23:59:59"}, ["bob", "carol", "dave", "eve_smith"]),
        ({"date_range_end": "2020-03-31 23:59:59"}, ["alice", "bob"]),  # inclusive
        ({"date_range_start": "2020-01-01", "date_range_end": "2020-03-31"}, ["alice", "bob"]),  # whole end day
        ({"date_range_start": "2020-04-01T00:00:00Z", "date_range_end": "2021-12-31T00:00:00+00:00"},
         ["carol", "dave"]),
        ({"date_range_start": "2020-04-01T02:00:00+02:00"}, ["carol", "dave", "eve_smith"]),  # offset → UTC
        ({"relative_date_range": "1q2020"}, ["alice", "bob"]),
        ({"relative_date_range": "2q2020"}, ["carol"]),
        ({"relative_date_range": "2q2021"}, ["dave"]),
        ({"relative_date_range": "4q2019"}, []),
    ])
    def test_absolute_and_quarter_ranges(self, api, world, lab, params, expected):
        assert sorted(usernames(api, world, lab, **params)) == expected

    @pytest.mark.parametrize(("unit_value", "age", "included"), [
        ("10d", timedelta(days=9), True), ("10d", timedelta(days=11), False),
        ("6h", timedelta(hours=5), True), ("6h", timedelta(hours=7), False),
        ("30m", timedelta(minutes=29), True), ("30m", timedelta(minutes=31), False),
        ("90s", timedelta(seconds=60), True), ("90s", timedelta(seconds=120), False),
        ("1M", timedelta(days=27), True), ("1M", timedelta(days=32), False),
        ("1y", timedelta(days=360), True), ("1y", timedelta(days=370), False),
        ("1q", timedelta(days=80), True), ("1q", timedelta(days=95), False),
    ])
    def test_relative_ranges(self, api, world, lab, unit_value, age, included):
        fresh = UserFactory(username="fresh", organization=lab)
        User.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - age)
        assert ("fresh" in usernames(api, world, lab, relative_date_range=unit_value)) is included

    def test_applies_to_organizations_creation_time(self, api, world, lab):
        Organization.objects.filter(pk=lab.pk).update(created_at=datetime(2019, 5, 5, tzinfo=UTC))
        response = api.as_user(world.admin).get("/v2/organizations", {"relative_date_range": "2q2019"})
        assert [i["attributes"]["name"] for i in response.json()["data"]] == ["Lab"]

    @pytest.mark.parametrize(("params", "field"), [
        ({"date_range_start": "yesterday"}, "date_range_start"),
        ({"date_range_end": "2020-13-01"}, "date_range_end"),
        ({"date_range_start": "2021-01-01", "date_range_end": "2020-01-01"}, "date_range_start"),
        ({"relative_date_range": "10"}, "relative_date_range"),
        ({"relative_date_range": "10w"}, "relative_date_range"),
        ({"relative_date_range": "0d"}, "relative_date_range"),
        ({"relative_date_range": "5q2020"}, "relative_date_range"),
        ({"relative_date_range": "10d", "date_range_start": "2020-01-01"}, "relative_date_range"),
        ({"date_range_start": "9999-12-31T23:59:59-05:00"}, "date_range_start"),  # past datetime.max in UTC
        ({"date_range_end": "0001-01-01T00:00:00+05:00"}, "date_range_end"),
        ({"relative_date_range": "99999999999y"}, "relative_date_range"),
    ])
    def test_bad_dates_are_422(self, api, world, params, field):
        assert_error(bad(api, world, **params), 422, field)


class TestSort:
    @pytest.mark.parametrize(("sort_by", "expected"), [
        ("username asc", ["alice", "bob", "carol", "dave", "eve_smith"]),
        ("username desc", ["eve_smith", "dave", "carol", "bob", "alice"]),
        ("username:desc", ["eve_smith", "dave", "carol", "bob", "alice"]),
        ("username:asc", ["alice", "bob", "carol", "dave", "eve_smith"]),
        ("-username", ["eve_smith", "dave", "carol", "bob", "alice"]),
        ("username", ["alice", "bob", "carol", "dave", "eve_smith"]),
        ("username+desc", ["eve_smith", "dave", "carol", "bob", "alice"]),
        ("created_at asc", ["alice", "bob", "carol", "dave", "eve_smith"]),
        ("email DESC", ["eve_smith", "dave", "carol", "bob", "alice"]),
    ])
    def test_forms(self, api, world, lab, sort_by, expected):
        assert usernames(api, world, lab, sort_by=sort_by) == expected

    def test_default_is_newest_first(self, api, world, lab):
        assert usernames(api, world, lab) == ["eve_smith", "dave", "carol", "bob", "alice"]

    def test_several_keys(self, api, world, lab):
        User.objects.filter(username__in=["alice", "carol"]).update(email="")
        User.objects.filter(username="alice").update(email="same1@lab.example")
        User.objects.filter(username="carol").update(email="same2@lab.example")
        User.objects.filter(organization=lab).update(last_sign_in_at=datetime(2024, 1, 1, tzinfo=UTC))
        assert usernames(api, world, lab, sort_by="last_sign_in_at desc, username desc") == [
            "eve_smith", "dave", "carol", "bob", "alice"]
        assert usernames(api, world, lab, sort_by="last_sign_in_at:asc,-username") == [
            "eve_smith", "dave", "carol", "bob", "alice"]

    def test_organizations(self, api, world, lab):
        response = api.as_user(world.admin).get("/v2/organizations", {"sort_by": "name desc"})
        assert [i["attributes"]["name"] for i in response.json()["data"]] == [
            "Platform Staff", "Partner Org", "Other Org", "Lab", "Customer Org"]
        response = api.as_user(world.admin).get("/v2/organizations", {"sort_by": "creation_time asc"})
        assert response.json()["data"][-1]["attributes"]["name"] == "Lab"

    @pytest.mark.parametrize(("path", "sort_by"), [
        ("/v2/users", "password asc"), ("/v2/users", "username sideways"), ("/v2/users", "-username desc"),
        ("/v2/users", "user name"), ("/v2/organizations", "members"), ("/v2/organizations", "name;drop"),
    ])
    def test_bad_sort_is_422(self, api, world, path, sort_by):
        assert_error(bad(api, world, path, sort_by=sort_by), 422, "sort_by")


class TestPagination:
    def page(self, api, world, lab, **params):
        response = api.as_user(world.admin).get("/v2/users", {"q[organization_id]": str(lab.pk),
                                                              "sort_by": "username", **params})
        assert response.status_code == 200, response.content
        assert_list_envelope(response.json(), "user")
        return response.json()

    def test_pages_and_links(self, api, world, lab):
        body = self.page(api, world, lab, per_page=2, page=2)
        assert [i["attributes"]["username"] for i in body["data"]] == ["carol", "dave"]
        assert body["meta"] == {"current_page": 2, "per_page": 2, "total_pages": 3, "total_count": 5}
        links = {name: parse_qs(urlparse(url).query) if url else None for name, url in body["links"].items()}
        assert links["self"]["page"] == ["2"] and links["first"]["page"] == ["1"]
        assert links["prev"]["page"] == ["1"] and links["next"]["page"] == ["3"] and links["last"]["page"] == ["3"]
        assert links["next"]["q[organization_id]"] == [str(lab.pk)]
        assert links["next"]["sort_by"] == ["username"] and links["next"]["per_page"] == ["2"]

    def test_following_next_visits_every_row_once(self, api, world, lab):
        client, seen, url = api.as_user(world.admin), [], f"/v2/users?q[organization_id]={lab.pk}&per_page=2"
        while url:
            body = client.get(url).json()
            seen += [i["attributes"]["username"] for i in body["data"]]
            url = body["links"]["next"]
        assert sorted(seen) == ["alice", "bob", "carol", "dave", "eve_smith"]

    def test_first_and_last_page_links(self, api, world, lab):
        first = self.page(api, world, lab, per_page=2)
        assert first["links"]["prev"] is None and first["links"]["next"]
        last = self.page(api, world, lab, per_page=2, page=3)
        assert last["links"]["next"] is None and last["links"]["prev"]
        assert [i["attributes"]["username"] for i in last["data"]] == ["eve_smith"]

    def test_page_past_the_end(self, api, world, lab):
        body = self.page(api, world, lab, per_page=2, page=9)
        assert body["data"] == []
        assert body["meta"] == {"current_page": 9, "per_page": 2, "total_pages": 3, "total_count": 5}
        assert body["links"]["next"] is None

    def test_empty_result(self, api, world, lab):
        body = self.page(api, world, lab, **{"q[username]": "nobody"})
        assert body["meta"] == {"current_page": 1, "per_page": 10, "total_pages": 0, "total_count": 0}
        assert body["links"]["prev"] is None and body["links"]["next"] is None

    def test_per_page_is_clamped_at_100(self, api, world, lab):
        for _ in range(101):
            UserFactory(organization=lab)
        body = self.page(api, world, lab, per_page=1000)
        assert body["meta"]["per_page"] == 100 and len(body["data"]) == 100
        assert body["meta"]["total_count"] == 106 and body["meta"]["total_pages"] == 2
        assert "per_page=100" in body["links"]["next"]

    @pytest.mark.parametrize("name", ["page", "per_page"])
    @pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "2e3"])
    def test_junk_is_422(self, api, world, name, value):
        assert_error(bad(api, world, **{name: value}), 422, name)

    @pytest.mark.parametrize("path", ["/v2/users", "/v2/organizations", "/v2/user/members"])
    def test_every_list_paginates(self, api, world, path):
        body = api.as_user(world.admin).get(path, {"per_page": 1}).json()
        assert body["meta"]["per_page"] == 1 and len(body["data"]) == 1
        assert_error(bad(api, world, path, page="zero"), 422, "page")

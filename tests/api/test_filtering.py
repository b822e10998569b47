"""Tests for config.api.filtering: the query-string rules shared by every /v2 list endpoint.

The parsing tests are pure (no settings, no database); tests that need real models are marked
`django_db` and carry "db" in their names so they can be deselected with `-k "not db"`.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import models

from config.api.errors import InvalidInput
from config.api.filtering import (
    DateRange,
    _search_lookup,
    apply_list_params,
    parse_date_range,
    parse_search,
    parse_sort,
)

NOW = datetime(2024, 5, 15, 12, 30, 0, tzinfo=UTC)
SEARCH = {"email": "email", "username": "username"}


def invalid(param, call, *args, **kwargs):
    """Run `call` expecting InvalidInput about `param`; return its single message."""
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert error.status == 422
    assert list(error.errors) == [param]
    assert error.message.startswith(f"Validation failed: {param} ")
    return error.errors[param][0]


# --- parse_search -----------------------------------------------------------------------------

class TestParseSearch:
    def test_collects_q_columns_and_ignores_other_keys(self):
        params = {"q[email]": "a@b.c", "q": "x", "page": "2", "sort_by": "email", "qemail": "x"}
        assert parse_search(params, SEARCH) == {"email": "a@b.c"}

    def test_several_columns(self):
        params = {"q[email]": "a*", "q[username]": "bob"}
        assert parse_search(params, SEARCH) == {"email": "a*", "username": "bob"}

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("'test*'", "test*"),
            ('"a b"', "a b"),
            ("'it''s'", "it''s"),  # only the outer pair goes
            ("'unbalanced", "'unbalanced"),
            ("'mixed\"", "'mixed\""),
            ("''", ""),
            ("'", "'"),
            ("plain", "plain"),
        ],
    )
    def test_strips_matching_surrounding_quotes(self, raw, expected):
        assert parse_search({"q[username]": raw}, SEARCH) == {"username": expected}

    def test_empty_value_is_ignored(self):
        assert parse_search({"q[email]": ""}, SEARCH) == {}

    def test_unknown_column_lists_the_allowed_ones(self):
        message = invalid("q[foo]", parse_search, {"q[foo]": "x"}, SEARCH)
        assert message == "is not a searchable column (allowed: email, username)"

    def test_unknown_column_message(self):
        with pytest.raises(InvalidInput) as caught:
            parse_search({"q[foo]": "x"}, SEARCH)
        assert caught.value.message == (
            "Validation failed: q[foo] is not a searchable column (allowed: email, username)"
        )


# --- matching kinds (unbound model fields: no database needed) --------------------------------

def lookup(field, value, path="col"):
    return _search_lookup(field, path, "q[col]", value)


class TestTextLookup:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("Test", {"col__iexact": "Test"}),
            ("test*", {"col__istartswith": "test"}),
            ("*test", {"col__iendswith": "test"}),
            ("*test*", {"col__icontains": "test"}),
            ("te*st", {"col__iregex": "^te.*st$"}),
            ("*a*b*", {"col__iregex": "^.*a.*b.*$"}),
            ("a*b*c", {"col__iregex": "^a.*b.*c$"}),
            ("*", {"col__iregex": "^.*$"}),
            ("a.b*(c)", {"col__iregex": r"^a\.b.*\(c\)$"}),
        ],
    )
    def test_wildcards(self, value, expected):
        assert lookup(models.CharField(max_length=10), value) == expected

    def test_text_like_fields(self):
        for field in (models.TextField(), models.EmailField(), models.GenericIPAddressField()):
            assert lookup(field, "x*") == {"col__istartswith": "x"}


class TestExactLookups:
    def test_enum_exact_and_unknown_value_matches_nothing(self):
        field = models.CharField(max_length=8, choices=[("User", "User"), ("Admin", "Admin")])
        assert lookup(field, "User") == {"col": "User"}
        assert lookup(field, "user") is None
        assert lookup(field, "Nope") is None

    def test_integer_enum_converts_to_the_key(self):
        field = models.IntegerField(choices=[(1, "one"), (2, "two")])
        assert lookup(field, "2") == {"col": 2}
        assert lookup(field, "3") is None

    def test_uuid(self):
        value = uuid.uuid4()
        assert lookup(models.UUIDField(), str(value)) == {"col": value}
        assert lookup(models.UUIDField(), str(value).upper()) == {"col": value}
        assert invalid("q[col]", lookup, models.UUIDField(), "not-a-uuid") == "is not a valid UUID"

    def test_numbers(self):
        assert lookup(models.IntegerField(), "42") == {"col": 42}
        assert lookup(models.PositiveIntegerField(), "-1") == {"col": -1}
        assert lookup(models.FloatField(), "1.5") == {"col": 1.5}
        field = models.DecimalField(max_digits=5, decimal_places=2)
        assert lookup(field, "1.25") == {"col": Decimal("1.25")}

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            (models.IntegerField(), "abc"),
            (models.IntegerField(), "1.5"),
            (models.FloatField(), "nan"),
            (models.FloatField(), "inf"),
            (models.DecimalField(max_digits=5, decimal_places=2), "NaN"),
            (models.DecimalField(max_digits=5, decimal_places=2), "x1"),
        ],
    )
    def test_bad_numbers(self, field, value):
        assert invalid("q[col]", lookup, field, value) == "is not a valid number"

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("true", True), ("TRUE", True), ("1", True), ("Yes", True),
         ("false", False), ("False", False), ("0", False), ("no", False)],
    )
    def test_booleans(self, value, expected):
        assert lookup(models.BooleanField(), value) == {"col": expected}

    @pytest.mark.parametrize("value", ["maybe", "2", "t", " "])
    def test_bad_booleans(self, value):
        assert invalid("q[col]", lookup, models.BooleanField(), value) == "must be true or false"

    def test_dates(self):
        assert lookup(models.DateTimeField(), "2020-02-03") == {"col__date": date(2020, 2, 3)}
        assert lookup(models.DateField(), "2020-02-03") == {"col": date(2020, 2, 3)}

    @pytest.mark.parametrize("value", ["2020-13-01", "yesterday", "03/02/2020"])
    def test_bad_dates(self, value):
        message = invalid("q[col]", lookup, models.DateTimeField(), value)
        assert message == "is not a valid date (YYYY-MM-DD)"

    @pytest.mark.parametrize(
        "field",
        [models.UUIDField(), models.IntegerField(), models.BooleanField(), models.DateField(),
         models.CharField(max_length=5, choices=[("a", "a")])],
    )
    def test_wildcard_in_non_text_column(self, field):
        assert "wildcard" in invalid("q[col]", lookup, field, "a*")


# --- parse_date_range -------------------------------------------------------------------------

def date_range(**params):
    return parse_date_range(params, now=NOW)


class TestAbsoluteDateRange:
    def test_absent_or_empty_parameters(self):
        assert date_range() == (None, None)
        assert date_range(date_range_start="", date_range_end=" ", relative_date_range="") == (
            None, None,
        )

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2020-01-02 03:04:05", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            ("2020-01-02T03:04:05", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            ("2020-01-02T03:04:05Z", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            ("2020-01-02T03:04:05.250Z", datetime(2020, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
            ("2020-01-02T03:04:05+00:00", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            ("2020-01-02T05:04:05+02:00", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            ("2020-01-01T22:04:05-05:00", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            # An unencoded `+` arrives as a space.
            ("2020-01-02T03:04:05 00:00", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            ("2020-01-02 05:04:05 02:00", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
            ("2020-01-02 03:04", datetime(2020, 1, 2, 3, 4, tzinfo=UTC)),
            ("2020-01-02", datetime(2020, 1, 2, tzinfo=UTC)),
        ],
    )
    def test_start_formats(self, text, expected):
        start, end = date_range(date_range_start=text)
        assert start == expected
        assert start.utcoffset() == timedelta(0)
        assert end is None

    def test_plain_end_date_covers_the_whole_day(self):
        start, end = date_range(date_range_start="2020-01-02", date_range_end="2020-01-02")
        assert start == datetime(2020, 1, 2, 0, 0, 0, tzinfo=UTC)
        assert end == datetime(2020, 1, 2, 23, 59, 59, 999999, tzinfo=UTC)

    def test_end_with_time_is_taken_as_is(self):
        _, end = date_range(date_range_end="2020-01-02 10:00:00")
        assert end == datetime(2020, 1, 2, 10, tzinfo=UTC)

    def test_absolute_bounds_are_inclusive(self):
        assert date_range(date_range_end="2020-01-02").end_exclusive is False

    def test_start_may_equal_end(self):
        bounds = date_range(date_range_start="2020-01-02 10:00", date_range_end="2020-01-02 10:00")
        assert bounds.start == bounds.end

    def test_start_after_end(self):
        message = invalid(
            "date_range_start", date_range,
            date_range_start="2020-01-03", date_range_end="2020-01-02",
        )
        assert message == "must not be after date_range_end"

    @pytest.mark.parametrize("name", ["date_range_start", "date_range_end"])
    @pytest.mark.parametrize("text", ["yesterday", "2020-13-01", "2020-01-01 25:00", "10d"])
    def test_unparseable(self, name, text):
        assert "is not a valid date or time" in invalid(name, date_range, **{name: text})


class TestRelativeDateRange:
    @pytest.mark.parametrize(
        ("text", "start"),
        [
            ("30s", NOW - timedelta(seconds=30)),
            ("15m", NOW - timedelta(minutes=15)),
            ("6h", NOW - timedelta(hours=6)),
            ("10d", NOW - timedelta(days=10)),
            ("1M", datetime(2024, 4, 15, 12, 30, tzinfo=UTC)),
            ("14M", datetime(2023, 3, 15, 12, 30, tzinfo=UTC)),
            ("2y", datetime(2022, 5, 15, 12, 30, tzinfo=UTC)),
            ("1q", datetime(2024, 2, 15, 12, 30, tzinfo=UTC)),
            ("2q", datetime(2023, 11, 15, 12, 30, tzinfo=UTC)),
        ],
    )
    def test_last_n_units_up_to_now(self, text, start):
        bounds = date_range(relative_date_range=text)
        assert bounds == (start, NOW)
        assert bounds.end_exclusive is False

    def test_month_arithmetic_clamps_to_month_end(self):
        bounds = parse_date_range(
            {"relative_date_range": "1M"}, now=datetime(2024, 3, 31, tzinfo=UTC)
        )
        assert bounds.start == datetime(2024, 2, 29, tzinfo=UTC)

    def test_defaults_to_the_current_time(self):
        before = datetime.now(UTC)
        start, end = parse_date_range({"relative_date_range": "1h"})
        assert before <= end <= datetime.now(UTC)
        assert end - start == timedelta(hours=1)

    def test_calendar_quarter_1q2020(self):
        bounds = date_range(relative_date_range="1q2020")
        assert bounds == (datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 4, 1, tzinfo=UTC))
        assert bounds.end_exclusive is True

    def test_calendar_quarter_4q2019_ends_at_new_year(self):
        bounds = date_range(relative_date_range="4q2019")
        assert bounds == (datetime(2019, 10, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC))
        assert bounds.end_exclusive is True

    @pytest.mark.parametrize(
        "text", ["5q2020", "0q2020", "0d", "00h", "10", "d", "10w", "-1d", "1.5d", "10 d", "1q20",
                 "99999999999y", "9999999999999d", "4q9999"],
    )
    def test_unparseable(self, text):
        message = invalid("relative_date_range", date_range, relative_date_range=text)
        assert message.startswith("is not a valid relative range")

    @pytest.mark.parametrize("absolute", ["date_range_start", "date_range_end"])
    def test_cannot_combine_with_absolute_bounds(self, absolute):
        params = {"relative_date_range": "10d", absolute: "2020-01-01"}
        message = invalid("relative_date_range", date_range, **params)
        assert message == "cannot be combined with date_range_start/date_range_end"

    def test_date_range_unpacks_and_names_its_bounds(self):
        start, end = DateRange(1, 2, end_exclusive=True)
        assert (start, end) == (1, 2)
        assert DateRange(1, 2).start == 1
        assert DateRange(1, 2).end == 2


# --- parse_sort -------------------------------------------------------------------------------

SORT = ("name", "created_at")


def sort(value, fields=SORT, default=("-created_at",)):
    return parse_sort({"sort_by": value} if value is not None else {}, fields, default)


class TestParseSort:
    def test_default_is_newest_first_with_tie_break(self):
        assert sort(None) == ["-created_at", "-pk"]
        assert sort("") == ["-created_at", "-pk"]
        assert sort(" , ") == ["-created_at", "-pk"]

    def test_custom_default(self):
        assert sort(None, default=("name",)) == ["name", "pk"]
        assert sort(None, default=()) == ["pk"]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("name asc", ["name", "pk"]),
            ("name desc", ["-name", "-pk"]),
            ("name DESC", ["-name", "-pk"]),
            ("name+desc", ["-name", "-pk"]),  # a literal `+` that was not decoded to a space
            ("name   Asc", ["name", "pk"]),
            ("name:desc", ["-name", "-pk"]),
            ("name:ASC", ["name", "pk"]),
            ("-name", ["-name", "-pk"]),
            ("name", ["name", "pk"]),
            (" name desc ", ["-name", "-pk"]),
        ],
    )
    def test_single_key_forms(self, value, expected):
        assert sort(value) == expected

    def test_several_keys_tie_break_follows_the_last_direction(self):
        assert sort("name desc,created_at asc") == ["-name", "created_at", "pk"]
        assert sort("name, -created_at") == ["name", "-created_at", "-pk"]
        assert sort("created_at:desc,name") == ["-created_at", "name", "pk"]

    def test_dict_maps_api_columns_to_orm_paths(self):
        fields = {"name": "organization__name", "created": "created_at"}
        assert sort("name desc,created", fields) == ["-organization__name", "created_at", "pk"]

    def test_no_duplicate_tie_break_when_sorting_by_key(self):
        assert sort("id desc", ("id", "name")) == ["-id"]

    def test_unknown_column_lists_the_allowed_ones(self):
        message = invalid("sort_by", sort, "email desc")
        assert message == "'email' is not a sortable column (allowed: name, created_at)"

    def test_orm_path_is_not_accepted_as_a_column(self):
        fields = {"name": "organization__name"}
        assert "not a sortable column" in invalid("sort_by", sort, "organization__name", fields)

    @pytest.mark.parametrize("value", ["name up", "name:descending", "-name desc", "name:1"])
    def test_bad_direction(self, value):
        assert "invalid direction" in invalid("sort_by", sort, value)

    @pytest.mark.parametrize("value", ["name desc asc", "--name", "na$me", ":desc"])
    def test_malformed_key(self, value):
        assert "invalid sort key" in invalid("sort_by", sort, value)


# --- apply_list_params against real models ----------------------------------------------------

@pytest.fixture
def org_model():
    from organizations.models import Organization

    return Organization


@pytest.fixture
def user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


@pytest.fixture
def orgs(org_model):
    names = ["Acme Corp", "acme", "Other Inc", "100% Safe", "1000 Safe", "a.b (x)", "axb (x)"]
    return {name: org_model.objects.create(name=name, company_name=name) for name in names}


ORG_SEARCH = {"name": "name", "partner": "partner", "created_at": "created_at",
              "parent_id": "parent_id", "parent": "parent", "member": "members__username"}
ORG_SORT = ("name", "created_at")


def org_names(model, **params):
    """The matching names, sorted in Python: database collations order mixed case differently."""
    queryset = apply_list_params(
        model.objects.all(), params, search_fields=ORG_SEARCH, sort_fields=ORG_SORT,
    )
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.django_db
class TestSearchDb:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("acme", ["acme"]),
            ("ACME CORP", ["Acme Corp"]),
            ("'acme*'", ["Acme Corp", "acme"]),
            ('"Acme Corp"', ["Acme Corp"]),
            ("*SAFE", ["100% Safe", "1000 Safe"]),
            ("*me*", ["Acme Corp", "acme"]),
            ("a*p", ["Acme Corp"]),
            ("*c*e*", ["Acme Corp", "acme"]),
            ("100%*", ["100% Safe"]),  # `%` is literal, not a LIKE wildcard
            ("a.b*", ["a.b (x)"]),  # `.` is literal, not a regex wildcard
            ("*(x)", ["a.b (x)", "axb (x)"]),
            ("nothing*", []),
        ],
    )
    def test_text_search(self, org_model, orgs, value, expected):
        assert org_names(org_model, **{"q[name]": value}) == expected

    def test_boolean_and_several_columns_are_anded(self, org_model, orgs):
        org_model.objects.filter(name__in=["acme", "Other Inc"]).update(partner=True)
        assert org_names(org_model, **{"q[partner]": "yes"}) == ["Other Inc", "acme"]
        assert org_names(org_model, **{"q[partner]": "true", "q[name]": "a*"}) == ["acme"]
        assert "must be true or false" in invalid(
            "q[partner]", org_names, org_model, **{"q[partner]": "maybe"}
        )

    def test_foreign_key_searches_as_uuid(self, org_model, orgs):
        parent = orgs["Acme Corp"]
        org_model.objects.filter(name="acme").update(parent=parent)
        for column in ("parent_id", "parent"):
            assert org_names(org_model, **{f"q[{column}]": str(parent.pk)}) == ["acme"]
            assert org_names(org_model, **{f"q[{column}]": str(uuid.uuid4())}) == []
            message = invalid(f"q[{column}]", org_names, org_model, **{f"q[{column}]": "12"})
            assert message == "is not a valid UUID"

    def test_date_column_matches_the_day(self, org_model, orgs):
        org_model.objects.filter(name="acme").update(
            created_at=datetime(2020, 2, 3, 23, 59, tzinfo=UTC)
        )
        assert org_names(org_model, **{"q[created_at]": "2020-02-03"}) == ["acme"]
        assert "date" in invalid(
            "q[created_at]", org_names, org_model, **{"q[created_at]": "2020-02-30"}
        )

    def test_to_many_path_returns_each_row_once(self, org_model, user_model, orgs):
        org = orgs["acme"]
        user_model.objects.create(username="ann", email="ann@x.io", role="User", organization=org)
        user_model.objects.create(username="anna", email="anna@x.io", role="User", organization=org)
        assert org_names(org_model, **{"q[member]": "ann*"}) == ["acme"]

    def test_unknown_column(self, org_model, orgs):
        message = invalid("q[email]", org_names, org_model, **{"q[email]": "x"})
        assert message.startswith("is not a searchable column (allowed: name, partner,")


USER_SEARCH = {
    "email": "email", "role": "role", "organization_id": "organization_id",
    "organization": "organization__name", "sign_in_count": "sign_in_count",
    "ip": "last_sign_in_ip", "active": "is_active",
    "confirmed": lambda queryset, value: queryset.filter(confirmed=value == "yes"),
}


@pytest.mark.django_db
class TestUserSearchDb:

    @pytest.fixture
    def users(self, user_model, org_model):
        acme = org_model.objects.create(name="Acme", company_name="Acme")
        other = org_model.objects.create(name="Other", company_name="Other")
        return [
            user_model.objects.create(username="ann", email="Ann@Acme.io", role="User",
                                      organization=acme, sign_in_count=3, confirmed=True,
                                      last_sign_in_ip="10.0.0.1"),
            user_model.objects.create(username="bob", email="bob@other.io", role="Manager",
                                      organization=other, is_active=False),
        ]

    def usernames(self, user_model, search_fields=USER_SEARCH, **params):
        queryset = apply_list_params(
            user_model.objects.all(), params, search_fields=search_fields,
            sort_fields=("username",), default_sort=("username",),
        )
        return list(queryset.values_list("username", flat=True))

    def test_kinds(self, user_model, users):
        _, bob = users
        assert self.usernames(user_model, **{"q[email]": "ann@acme.IO"}) == ["ann"]
        assert self.usernames(user_model, **{"q[role]": "Manager"}) == ["bob"]
        assert self.usernames(user_model, **{"q[role]": "manager"}) == []
        assert self.usernames(user_model, **{"q[role]": "Wizard"}) == []
        org_id = str(bob.organization_id)
        assert self.usernames(user_model, **{"q[organization_id]": org_id}) == ["bob"]
        assert self.usernames(user_model, **{"q[organization]": "acm*"}) == ["ann"]
        assert self.usernames(user_model, **{"q[sign_in_count]": "3"}) == ["ann"]
        assert self.usernames(user_model, **{"q[ip]": "10.0.*"}) == ["ann"]
        assert self.usernames(user_model, **{"q[active]": "0"}) == ["bob"]
        assert self.usernames(user_model, **{"q[confirmed]": "'yes'"}) == ["ann"]

    def test_bad_values(self, user_model, users):
        assert "wildcard" in invalid("q[role]", self.usernames, user_model, **{"q[role]": "U*"})
        message = invalid("q[sign_in_count]", self.usernames, user_model,
                          **{"q[sign_in_count]": "three"})
        assert message == "is not a valid number"

    def test_custom_column_rejects_with_value_error(self, user_model, users):
        def strict(queryset, value):
            raise ValueError("must be yes or no")

        search_fields = {**USER_SEARCH, "confirmed": strict}
        message = invalid("q[confirmed]", self.usernames, user_model, search_fields,
                          **{"q[confirmed]": "x"})
        assert message == "must be yes or no"


@pytest.mark.django_db
class TestDateRangeAndSortDb:
    @pytest.fixture
    def dated(self, org_model):
        moments = {
            "before": datetime(2019, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            "first": datetime(2020, 1, 1, tzinfo=UTC),
            "last": datetime(2020, 3, 31, 23, 59, 59, 999999, tzinfo=UTC),
            "next": datetime(2020, 4, 1, tzinfo=UTC),
        }
        for name, moment in moments.items():
            org = org_model.objects.create(name=name, company_name=name)
            org_model.objects.filter(pk=org.pk).update(created_at=moment)
        return moments

    def names(self, model, **params):
        queryset = apply_list_params(
            model.objects.all(), params, search_fields={}, sort_fields=ORG_SORT,
        )
        return list(queryset.values_list("name", flat=True))

    def test_quarter_end_is_exclusive(self, org_model, dated):
        assert self.names(org_model, relative_date_range="1q2020") == ["last", "first"]
        assert self.names(org_model, relative_date_range="4q2019") == ["before"]

    def test_absolute_range_is_inclusive_to_the_end_of_day(self, org_model, dated):
        params = {"date_range_start": "2020-01-01", "date_range_end": "2020-03-31"}
        assert self.names(org_model, **params) == ["last", "first"]
        params = {"date_range_start": "2020-01-01 00:00:00", "date_range_end": "2020-04-01"}
        assert self.names(org_model, **params) == ["next", "last", "first"]

    def test_relative_range_up_to_now(self, org_model, dated):
        org_model.objects.create(name="fresh", company_name="fresh")
        assert self.names(org_model, relative_date_range="1h") == ["fresh"]

    def test_sorting_is_applied_with_a_stable_tie_break(self, org_model, dated):
        assert self.names(org_model) == ["next", "last", "first", "before"]
        assert self.names(org_model, sort_by="name asc") == ["before", "first", "last", "next"]
        twins = [org_model.objects.create(name="twin", company_name="t") for _ in range(3)]
        names_and_ids = apply_list_params(
            org_model.objects.filter(name="twin"), {"sort_by": "name desc"},
            search_fields={}, sort_fields=ORG_SORT,
        ).values_list("pk", flat=True)
        assert list(names_and_ids) == sorted((twin.pk for twin in twins), reverse=True)

    def test_bad_parameters_raise(self, org_model, dated):
        assert "sortable" in invalid("sort_by", self.names, org_model, sort_by="nope")
        invalid("relative_date_range", self.names, org_model, relative_date_range="0d")

"""GET /v2/organizations/export and `manage.py export_organizations` (the same service)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from organizations.services.export import EXPORT_COLUMNS
from tests.api_mixins import assert_error
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_attachment(api, world):
    response = api.as_user(world.admin).get("/v2/organizations/export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert ".csv" in response["Content-Disposition"]


def test_header_and_values(api, world):
    world.customer.city = "Athens"
    world.customer.save()
    exported = rows(api.as_user(world.admin).get("/v2/organizations/export"))
    assert list(exported[0]) == list(EXPORT_COLUMNS)
    customer = next(r for r in exported if r["name"] == "Customer Org")
    assert customer["id"] == str(world.customer.pk)
    assert customer["parent_organization_id"] == str(world.partner_org.pk)
    assert customer["parent_organization_name"] == "Partner Org"
    assert customer["members_count"] == "3"
    assert customer["city"] == "Athens"
    assert customer["partner"] == "false"


@pytest.mark.parametrize(("role", "expected"), [
    ("admin", {"Platform Staff", "Partner Org", "Customer Org", "Other Org"}),
    ("partner", {"Partner Org", "Customer Org"}),
    ("manager", {"Customer Org"}),
])
def test_rows_are_the_visible_organizations_only(api, world, role, expected):
    exported = rows(api.as_user(getattr(world, role)).get("/v2/organizations/export"))
    assert {r["name"] for r in exported} == expected


def test_filters_apply(api, world):
    exported = rows(api.as_user(world.admin).get("/v2/organizations/export", {"q[partner]": "true"}))
    assert [r["name"] for r in exported] == ["Partner Org"]
    assert_error(api.as_user(world.admin).get("/v2/organizations/export", {"q[nope]": "x"}), 422, "q[nope]")


@pytest.mark.parametrize("role", ["user", "viewer"])
def test_below_manager_is_403(api, world, role):
    assert_error(api.as_user(getattr(world, role)).get("/v2/organizations/export"), 403)


def test_needs_credentials(api, world):
    assert_error(api.get("/v2/organizations/export"), 401)


def test_spreadsheet_formulas_are_neutralised(api, world):
    OrganizationFactory(name="=HYPERLINK(\"http://evil\")", parent=world.partner_org)
    exported = rows(api.as_user(world.partner).get("/v2/organizations/export"))
    assert all(not r["name"].startswith("=") for r in exported)


def test_command_writes_a_file(world, tmp_path):
    target = tmp_path / "orgs.csv"
    call_command("export_organizations", "--output", str(target), stderr=io.StringIO())
    exported = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {r["name"] for r in exported} == {"Platform Staff", "Partner Org", "Customer Org", "Other Org"}


def test_command_writes_to_stdout(world, capsys):
    call_command("export_organizations")
    assert capsys.readouterr().out.splitlines()[0].startswith("id,name,company_name")


def test_command_fails_clearly_on_an_unwritable_path(world, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_organizations", "--output", str(tmp_path / "missing" / "dir" / "x.csv"))

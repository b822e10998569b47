"""Every read route of these sections: credentials, roles, trailing slash, OPTIONS, per_page."""

import pytest

from tests.api_mixins import assert_error

from .conftest import data, ok

COLLECTIONS = ["/v2/vulnerabilities", "/v2/vulnerabilities/total", "/v2/vulnerabilities/top",
               "/v2/vulnerabilities/pci_compliance", "/v2/exceptions", "/v2/exceptions/statistics", "/v2/hosts",
               "/v2/hosts/most_vulnerable", "/v2/reports", "/v2/advanced_reports"]
SCAN_ROUTES = ["hosts", "vulnerabilities", "statistics"]
LISTS = ["/v2/vulnerabilities", "/v2/exceptions", "/v2/hosts", "/v2/reports", "/v2/advanced_reports"]


def routes(seeded):
    return COLLECTIONS + [f"/v2/scans/{seeded.scan_id}/{suffix}" for suffix in SCAN_ROUTES]


def test_every_read_route_needs_credentials_and_serves_a_viewer(api, world, seeded):
    viewer = api.as_user(world.viewer)
    for path in routes(seeded):
        assert_error(api.get(path), 401)
        ok(viewer.get(path))
        ok(viewer.get(path + "/"))  # a trailing slash is the same route, no redirect
        assert viewer.client.options(path, **viewer.headers).status_code in (200, 405), path


def test_members_by_id_with_a_trailing_slash(api, world, seeded):
    viewer = api.as_user(world.viewer)
    for collection in ("/v2/vulnerabilities", "/v2/hosts", "/v2/reports"):
        item = data(viewer.get(collection))[0]
        assert data(viewer.get(f"{collection}/{item['id']}/"))["id"] == item["id"]


@pytest.mark.parametrize("path", LISTS)
def test_per_page_is_clamped_to_100(api, world, seeded, path):
    assert ok(api.as_user(world.viewer).get(path, {"per_page": 1000}))["meta"]["per_page"] == 100


@pytest.mark.parametrize("path", LISTS)
def test_lists_refuse_unknown_columns_with_the_allowed_ones(api, world, seeded, path):
    body = assert_error(api.as_user(world.viewer).get(path, {"q[nothing]": "x"}), 422, "q[nothing]")
    assert "allowed" in body["message"].lower() or "one of" in body["message"].lower(), body["message"]


@pytest.mark.parametrize("path", LISTS)
def test_lists_take_the_quarter_form_of_relative_date_range(api, world, seeded, path):
    assert ok(api.as_user(world.viewer).get(path, {"relative_date_range": "1q2020"}))["data"] == []
    assert_error(api.as_user(world.viewer).get(path, {"relative_date_range": "1d", "date_range_start": "2020-01-01"}),
                 422, "relative_date_range")


def test_a_partner_sees_its_customers_findings_and_the_customer_not_the_partners(api, world, seeded):
    # conventions.md, Tenancy: a partner user also sees the records of its customer organizations
    customer_ids = {i["id"] for i in data(api.as_user(world.viewer).get("/v2/vulnerabilities", {"per_page": 100}))}
    partner = api.as_user(world.partner)
    assert customer_ids <= {i["id"] for i in data(partner.get("/v2/vulnerabilities", {"per_page": 100}))}
    finding = sorted(customer_ids)[0]
    assert data(partner.get(f"/v2/vulnerabilities/{finding}"))["id"] == finding
    report = data(api.as_user(world.viewer).get("/v2/reports"))[0]["id"]
    assert data(partner.get(f"/v2/reports/{report}"))["id"] == report
    assert data(api.as_user(world.admin).get(f"/v2/vulnerabilities/{finding}"))["id"] == finding
    assert_error(api.as_user(world.other_user).get(f"/v2/vulnerabilities/{finding}"), 404)

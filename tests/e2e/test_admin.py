"""Staff work in the admin with a real browser, and the API shows what they did."""

import re

import pytest
import requests

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_to_admin(page, user):
    page.goto("/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def save_and_expect_success(page):
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist li.success")


def api_get(live_server, world, path):
    """What an API client sees: platform key + bearer token from a real sign-in."""
    headers = {"X-API-KEY": world.api_key}
    signed_in = requests.post(
        f"{live_server.url}/auth/sign_in", json={"username": world.admin.username, "password": PASSWORD},
        headers=headers, timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text
    headers["Authorization"] = f"Bearer {signed_in.json()['token']}"
    response = requests.get(f"{live_server.url}{path}", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["data"]["attributes"]


def test_admin_edits_are_visible_through_the_api(page, live_server, world, tmp_path):
    sign_in_to_admin(page, world.admin)

    page.goto(f"/admin/accounts/user/{world.manager.pk}/change/")
    page.fill("#id_city", "Thessaloniki")
    save_and_expect_success(page)

    page.goto(f"/admin/organizations/organization/{world.customer.pk}/change/")
    page.fill("#id_name", "Renamed Customer")
    save_and_expect_success(page)
    assert "Renamed Customer" in page.inner_text("ul.messagelist")

    user = api_get(live_server, world, f"/v2/users/{world.manager.pk}?details=true")
    assert user["details"]["city"] == "Thessaloniki"
    organization = api_get(live_server, world, f"/v2/organizations/{world.customer.pk}")
    assert organization["name"] == "Renamed Customer"


def test_admin_renders_with_its_stylesheets(page, world, tmp_path):
    sign_in_to_admin(page, world.admin)
    page.goto("/admin/")
    styled = page.evaluate(
        "() => [...document.styleSheets].some(s => (s.href || '').includes('/admin/css/base.css')"
        " && s.cssRules.length > 0)"
    )
    assert styled, "the admin's base.css did not load"
    # The header is styled (the unstyled page has a transparent background).
    background = page.eval_on_selector("#header", "e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    shot = tmp_path / "admin-index.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_admin_user_search_by_email_finds_the_user(page, world):
    sign_in_to_admin(page, world.admin)
    page.goto("/admin/accounts/user/")
    page.fill("#searchbar", world.viewer.email)
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r"\?q="))
    results = page.inner_text("#result_list")
    assert world.viewer.username in results
    assert world.manager.username not in results
    assert "1 result" in page.inner_text("#changelist-search")


def test_organization_page_lists_its_members_inline(page, world):
    sign_in_to_admin(page, world.admin)
    page.goto(f"/admin/organizations/organization/{world.customer.pk}/change/")
    members = page.inner_text("#members-group")
    for user in (world.manager, world.user, world.viewer):
        assert user.username in members
    assert world.other_user.username not in members

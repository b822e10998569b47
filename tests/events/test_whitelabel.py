"""/v2/whitelabel and /v2/whitelabel_settings: partner branding, logo checks (SVG sanitised),
the effective branding (own, else nearest partner's, else platform default)."""

import base64

import pytest

from events.models import Whitelabel
from tests.api_mixins import assert_error

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EVIL_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <rect width="10" height="10" fill="#f00" onclick="steal()" style="fill:url(https://evil.test/x.svg)"/>
  <image xlink:href="https://evil.test/track.png" width="1" height="1"/>
  <a href="javascript:alert(1)"><circle r="3"/></a>
  <use href="#local"/>
  <foreignObject><iframe src="https://evil.test"/></foreignObject>
  <animate attributeName="href" to="javascript:alert(1)"/>
  <style>@import url(https://evil.test/a.css);</style>
</svg>"""


def data_url(kind, raw):
    return f"data:{kind};base64,{base64.b64encode(raw).decode()}"


def put(client, body, path="/v2/whitelabel"):
    return client.put(path, {"whitelabel": body})


def test_partner_sets_and_resets_its_branding(api, world):
    client = api.as_user(world.partner)
    body = {"company_name": "Acme Security", "logo": data_url("image/png", PNG), "primary_color": "#AABBCC",
            "secondary_color": "#123", "support_email": "help@acme.test", "support_url": "https://acme.test/help",
            "custom_domain": "Scan.Acme.test", "email_sender_name": "Acme", "email_sender_address": "no-reply@acme.test",
            "report_footer": "Acme Security — confidential"}
    response = put(client, body)
    assert response.status_code == 200, response.content
    attributes = response.json()["data"]["attributes"]
    assert response.json()["data"]["type"] == "whitelabel"
    assert attributes["primary_color"] == "#aabbcc" and attributes["custom_domain"] == "scan.acme.test"
    assert attributes["configured"] is True and attributes["updated_at"]
    assert client.get("/v2/whitelabel").json()["data"]["attributes"]["company_name"] == "Acme Security"
    assert put(client, {"report_footer": "New footer"}).json()["data"]["attributes"]["company_name"] == "Acme Security"
    assert client.delete("/v2/whitelabel").json() == {}
    assert client.get("/v2/whitelabel").json()["data"]["attributes"]["configured"] is False


@pytest.mark.parametrize(("field", "value"), [
    ("primary_color", "red"), ("secondary_color", "#12345"), ("support_email", "nope"), ("support_url", "ftp://x.test"),
    ("custom_domain", "https://x.test/path"), ("email_sender_name", "Acme\r\nBcc: victim@x.test"),
    ("email_sender_address", "not-an-address"), ("logo", "https://example.com/logo.png"),
    ("logo", "data:image/gif;base64,R0lGODlhAQABAAAAACw="), ("logo", data_url("image/png", b"GIF89a not a png")),
    ("logo", data_url("image/svg+xml", b"<!DOCTYPE svg [<!ENTITY x 'y'>]><svg xmlns='http://www.w3.org/2000/svg'>&x;</svg>")),
    ("logo", data_url("image/svg+xml", b"<html><body/></html>")),
])
def test_invalid_values_are_422_naming_the_field(api, world, field, value):
    assert_error(put(api.as_user(world.partner), {field: value}), 422, field)


def test_logo_size_limit(api, world, settings):
    settings.WHITELABEL_LOGO_MAX_BYTES = 1024
    assert_error(put(api.as_user(world.partner), {"logo": data_url("image/png", PNG + b"\x00" * 2000)}), 422, "logo")


def test_svg_logo_is_sanitised(api, world):
    response = put(api.as_user(world.partner), {"logo": data_url("image/svg+xml", EVIL_SVG)})
    assert response.status_code == 200, response.content
    stored = response.json()["data"]["attributes"]["logo"]
    svg = base64.b64decode(stored.split(",", 1)[1]).decode()
    for bad in ("script", "onload", "onclick", "evil.test", "javascript:", "foreignObject", "iframe", "animate", "@import"):
        assert bad not in svg, bad
    assert "<rect" in svg and 'href="#local"' in svg


def test_logo_upload_as_a_file(api, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    client = api.as_user(world.partner)
    upload = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    body = encode_multipart(BOUNDARY, {"logo": upload, "company_name": "Up"})
    response = client.client.put("/v2/whitelabel", data=body, content_type=MULTIPART_CONTENT, **client.headers)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"]["logo"].startswith("data:image/png;base64,")


def test_custom_domain_is_unique(api, world):
    assert put(api.as_user(world.partner), {"custom_domain": "scan.acme.test"}).status_code == 200
    Whitelabel.objects.create(organization=world.other_org)
    response = api.as_user(world.admin).put(f"/v2/whitelabel?organization_id={world.other_org.pk}",
                                            {"custom_domain": "scan.acme.test"})
    assert_error(response, 422, "custom_domain")


def test_roles_and_reach(api, world):
    for user in (world.manager, world.user, world.viewer):
        assert_error(api.as_user(user).get("/v2/whitelabel"), 403)
        assert_error(put(api.as_user(user), {"company_name": "x"}), 403)
    partner = api.as_user(world.partner)
    assert put(partner, {"company_name": "For my customer"}, f"/v2/whitelabel?organization_id={world.customer.pk}").status_code == 200
    assert Whitelabel.objects.get(organization=world.customer).company_name == "For my customer"
    assert_error(partner.get(f"/v2/whitelabel?organization_id={world.other_org.pk}"), 404)
    assert_error(put(partner, {"company_name": "x"}, f"/v2/whitelabel?organization_id={world.other_org.pk}"), 404)
    assert_error(partner.delete(f"/v2/whitelabel?organization_id={world.other_org.pk}"), 404)


def test_effective_branding_own_then_partner_then_platform(api, world):
    viewer = api.as_user(world.viewer)
    attributes = viewer.get("/v2/whitelabel_settings").json()["data"]["attributes"]
    assert attributes["source"] == "default" and attributes["company_name"] == "CG Scanning"

    assert put(api.as_user(world.admin), {"company_name": "Platform Co", "support_email": "help@platform.test"},
               "/v2/whitelabel_settings").status_code == 200
    attributes = viewer.get("/v2/whitelabel_settings").json()["data"]["attributes"]
    assert attributes["source"] == "platform" and attributes["company_name"] == "Platform Co"

    put(api.as_user(world.partner), {"company_name": "Acme", "primary_color": "#010203"})
    attributes = viewer.get("/v2/whitelabel_settings").json()["data"]["attributes"]
    assert attributes["source"] == "partner" and attributes["company_name"] == "Acme"
    assert attributes["organization_id"] == str(world.partner_org.pk)
    assert attributes["support_email"] == "help@platform.test"  # unset fields fall back to the platform's

    put(api.as_user(world.partner), {"company_name": "Customer brand"}, f"/v2/whitelabel?organization_id={world.customer.pk}")
    attributes = viewer.get("/v2/whitelabel_settings").json()["data"]["attributes"]
    assert attributes["source"] == "organization" and attributes["company_name"] == "Customer brand"
    assert attributes["primary_color"] == "#010203"
    other = api.as_user(world.other_user).get("/v2/whitelabel_settings").json()["data"]["attributes"]
    assert other["company_name"] == "Platform Co"


def test_only_admins_set_the_platform_default(api, world):
    for user in (world.partner, world.manager, world.viewer):
        assert_error(put(api.as_user(user), {"company_name": "x"}, "/v2/whitelabel_settings"), 403)
    assert_error(api.get("/v2/whitelabel_settings"), 401)

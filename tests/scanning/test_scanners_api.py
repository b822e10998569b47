"""/v2/scanners (SCANNER_CREATE: Manager and up) and /v2/scan_profiles (built-in, read-only)."""

import pytest

from scanning.models import Scanner, ScanProfile
from scanning.version import ENGINE_VERSION
from tests.api_mixins import (
    CreateTests,
    DeleteTests,
    ListTests,
    RetrieveTests,
    UpdateTests,
    assert_error,
    assert_list_envelope,
)

from .factories import ScanFactory, ScannerFactory

pytestmark = pytest.mark.usefixtures("subscribed")


class TestScannersApi(ListTests, RetrieveTests, CreateTests, UpdateTests, DeleteTests):
    collection = "/v2/scanners"
    resource_type = "scanner"
    resource_name = "scanner"
    write_roles = ("Manager", "Partner", "Admin")
    create_body = {"name": "Greenbone DMZ", "type": "gvm", "host": "gvm.example.com", "port": 9390,
                   "credential": "gmp-secret", "comment": "in the DMZ"}
    update_body = {"name": "Renamed", "port": 9391}
    invalid_body = ({"port": 70000}, "port")

    def make(self, world, organization):
        return ScannerFactory(organization=organization)

    def assert_created(self, attributes, body):
        assert attributes["type"] == "gvm"
        assert attributes["host"] == "gvm.example.com"
        assert attributes["credential_set"] is True
        assert "credential" not in attributes
        assert attributes["status"] == "unknown"
        assert attributes["predefined"] is False

    def assert_updated(self, attributes):
        assert attributes["name"] == "Renamed"
        assert attributes["port"] == 9391


def builtin():
    return Scanner.objects.get(predefined=True, type="builtin")


def test_builtin_scanner_is_listed_and_read_only(api, world):
    client = api.as_user(world.manager)
    names = [i["attributes"]["name"] for i in client.get("/v2/scanners").json()["data"]]
    assert "Built-in scanner" in names
    assert_error(client.put(f"/v2/scanners/{builtin().pk}", {"name": "x"}), 403)
    assert_error(api.as_user(world.admin).delete(f"/v2/scanners/{builtin().pk}"), 403)
    assert Scanner.objects.filter(pk=builtin().pk, name="Built-in scanner").exists()


def test_credential_is_never_returned(api, world):
    response = api.as_user(world.manager).post("/v2/scanners", TestScannersApi.create_body)
    assert "gmp-secret" not in response.content.decode()
    scanner = Scanner.objects.get(pk=response.json()["data"]["id"])
    assert scanner.credential_encrypted and "gmp-secret" not in scanner.credential_encrypted


def test_gvm_needs_a_host(api, world):
    assert_error(api.as_user(world.manager).post("/v2/scanners", {"name": "x", "type": "gvm"}), 422, "host")
    assert_error(api.as_user(world.manager).post("/v2/scanners", {"name": "x", "type": "openvas"}), 422, "type")


def test_delete_in_use_is_422(api, world):
    scanner = ScannerFactory(organization=world.customer)
    ScanFactory(organization=world.customer, scanner=scanner)
    assert_error(api.as_user(world.manager).delete(f"/v2/scanners/{scanner.pk}"), 422)


def test_verify_builtin(api, world):
    response = api.as_user(world.user).post(f"/v2/scanners/{builtin().pk}/verify")
    assert response.status_code == 200
    assert response.json() == {"online": True, "version": ENGINE_VERSION}
    attributes = api.as_user(world.user).get(f"/v2/scanners/{builtin().pk}").json()["data"]["attributes"]
    assert attributes["status"] == "online" and attributes["last_seen_at"]


def test_verify_scope_and_roles(api, world):
    foreign = ScannerFactory(organization=world.other_org)
    assert_error(api.as_user(world.user).post(f"/v2/scanners/{foreign.pk}/verify"), 404)
    assert_error(api.as_user(world.user).post("/v2/scanners/nope/verify"), 404)
    assert_error(api.as_user(world.viewer).post(f"/v2/scanners/{builtin().pk}/verify"), 403)
    assert_error(api.post(f"/v2/scanners/{builtin().pk}/verify"), 401)


# --- scan profiles ----------------------------------------------------------------------------


def test_scan_profiles_are_the_builtins(api, world):
    response = api.as_user(world.viewer).get("/v2/scan_profiles")
    assert response.status_code == 200
    body = response.json()
    assert_list_envelope(body, "scan_profile")
    assert [i["attributes"]["name"] for i in body["data"]] == ["Discovery", "Full and fast", "PCI ASV", "Web"]
    web = next(i for i in body["data"] if i["attributes"]["name"] == "Web")["attributes"]
    assert web["families"] == ["ssl_tls", "web_servers"]
    assert api.as_user(world.viewer).get(f"/v2/scan_profiles/{web['id']}").status_code == 200


def test_inactive_profiles_are_hidden(api, world):
    ScanProfile.objects.filter(name="Web").update(active=False)
    names = [i["attributes"]["name"] for i in api.as_user(world.user).get("/v2/scan_profiles").json()["data"]]
    assert "Web" not in names


def test_scan_profiles_cannot_be_written(api, world):
    profile = ScanProfile.objects.first()
    client = api.as_user(world.admin)
    assert client.post("/v2/scan_profiles", {"name": "x"}).status_code in (403, 405)
    assert client.put(f"/v2/scan_profiles/{profile.pk}", {"name": "x"}).status_code in (403, 405)
    assert client.delete(f"/v2/scan_profiles/{profile.pk}").status_code in (403, 405)
    assert_error(api.get("/v2/scan_profiles"), 401)
    assert_error(client.get("/v2/scan_profiles/nope"), 404)

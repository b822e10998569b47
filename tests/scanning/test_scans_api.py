"""/v2/scans: create/read/update/delete, related ids scoped to the caller, product scoping."""

import pytest

from findings.models import Result
from scanning.models import Scan, Scanner, ScanProfile
from tests.api_mixins import CrudTests, assert_error
from tests.findings.factories import ResultFactory

from .factories import ScanFactory, ScannerFactory, ScanRunFactory, ScheduleFactory, TargetFactory

pytestmark = pytest.mark.usefixtures("subscribed")


class TestScansApi(CrudTests):
    collection = "/v2/scans"
    resource_type = "scan"
    resource_name = "scan"
    write_roles = ("User", "Manager", "Partner", "Admin")
    update_body = {"name": "Renamed", "comment": "weekly", "max_hosts": 5}
    invalid_body = ({"target_id": "7d4f1c2e-0b6a-4c8e-9f3a-5e2d1b0c9a87"}, "target_id")

    def make(self, world, organization):
        return ScanFactory(organization=organization)

    def get_create_body(self, world):
        target = TargetFactory(organization=world.customer, name="Shop")
        return {"name": "Quarterly", "target_id": str(target.pk), "comment": "PCI", "max_checks": 8}

    def assert_created(self, attributes, body):
        assert attributes["status"] == "new"
        assert attributes["progress"] == 0
        assert attributes["target"]["name"] == "Shop"
        assert attributes["scan_profile"]["name"] == "Full and fast"
        assert attributes["scanner"]["name"] == "Built-in scanner"
        assert attributes["schedule"] is None
        assert attributes["max_checks"] == 8
        # the same shape as after a run (docs/findings.md): the four levels and false positives
        assert attributes["severity_counts"] == {"high": 0, "medium": 0, "low": 0, "log": 0, "false_positive": 0}
        assert attributes["pci_status"] is None and attributes["last_run_at"] is None
        assert attributes["run_count"] == 0
        assert attributes["product"] == "pci"
        assert body["relationships"]["target"]["data"]["type"] == "target"
        assert body["relationships"]["last_history"]["data"] is None

    def assert_updated(self, attributes):
        assert attributes["name"] == "Renamed"
        assert attributes["comment"] == "weekly"
        assert attributes["max_hosts"] == 5


def post_scan(client, **fields):
    return client.post("/v2/scans", {"scan": {"name": "S", **fields}})


def test_related_ids_of_other_organizations_are_not_found(api, world):
    client = api.as_user(world.user)
    target = TargetFactory(organization=world.customer)
    foreign_target = TargetFactory(organization=world.other_org)
    foreign_schedule = ScheduleFactory(organization=world.other_org)
    foreign_scanner = ScannerFactory(organization=world.other_org)
    for fields, field in (
        ({"target_id": str(foreign_target.pk)}, "target_id"),
        ({"target_id": "junk"}, "target_id"),
        ({"target_id": str(target.pk), "schedule_id": str(foreign_schedule.pk)}, "schedule_id"),
        ({"target_id": str(target.pk), "scanner_id": str(foreign_scanner.pk)}, "scanner_id"),
        ({"target_id": str(target.pk), "scan_profile_id": "7d4f1c2e-0b6a-4c8e-9f3a-5e2d1b0c9a87"}, "scan_profile_id"),
    ):
        body = assert_error(post_scan(client, **fields), 422, field)
        assert body["errors"][field] == ["was not found"]
    assert not Scan.objects.exists()


def test_partner_cannot_point_a_scan_at_a_customer_target(api, world):
    """New records point only at the caller's own organization and product."""
    target = TargetFactory(organization=world.customer)
    assert_error(post_scan(api.as_user(world.partner), target_id=str(target.pk)), 422, "target_id")


def test_target_of_another_product_is_not_found(api, world):
    vrms_target = TargetFactory(organization=world.customer, product="vrms")
    assert_error(post_scan(api.as_user(world.user), target_id=str(vrms_target.pk)), 422, "target_id")


def test_own_scanner_profile_and_schedule(api, world):
    target = TargetFactory(organization=world.customer)
    scanner = ScannerFactory(organization=world.customer, name="Mine")
    schedule = ScheduleFactory(organization=world.customer, next_run_at="2030-01-01T00:00:00Z")
    profile = ScanProfile.objects.get(name="Discovery")
    response = post_scan(api.as_user(world.user), target_id=str(target.pk), scanner_id=str(scanner.pk),
                         schedule_id=str(schedule.pk), scan_profile_id=str(profile.pk))
    assert response.status_code == 201, response.content
    attributes = response.json()["data"]["attributes"]
    assert attributes["scanner"]["name"] == "Mine"
    assert attributes["scan_profile"]["name"] == "Discovery"
    assert attributes["schedule"]["id"] == str(schedule.pk)
    assert attributes["next_run_at"] == "2030-01-01T00:00:00.000Z"


def test_unscheduling_clears_next_run(api, world):
    schedule = ScheduleFactory(organization=world.customer, next_run_at="2030-01-01T00:00:00Z")
    scan = ScanFactory(organization=world.customer, schedule=schedule, next_run_at=schedule.next_run_at)
    response = api.as_user(world.user).put(f"/v2/scans/{scan.pk}", {"schedule_id": None})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"]["next_run_at"] is None
    assert response.json()["data"]["attributes"]["schedule"] is None


@pytest.mark.parametrize("status", ["requested", "queued", "running", "stop_requested"])
def test_put_and_delete_while_running_are_409(api, world, status):
    scan = ScanFactory(organization=world.customer)
    ScanRunFactory(scan=scan, status=status)
    client = api.as_user(world.user)
    assert_error(client.put(f"/v2/scans/{scan.pk}", {"name": "x"}), 409)
    assert_error(client.delete(f"/v2/scans/{scan.pk}"), 409)
    assert_error(client.delete("/v2/scans", {"ids": [str(scan.pk)]}), 409)
    assert Scan.objects.filter(pk=scan.pk, name=scan.name).exists()


def test_delete_finished_scan_removes_its_runs_and_their_results(api, world):
    run = ScanRunFactory(scan=ScanFactory(organization=world.customer), status="done")
    ResultFactory(run=run, ip="198.51.100.7")
    ResultFactory(run=run, ip="198.51.100.8")
    kept = ResultFactory(run=ScanRunFactory(scan=ScanFactory(organization=world.customer), status="done"))
    assert api.as_user(world.user).delete(f"/v2/scans/{run.scan_id}").status_code == 200
    assert not Scan.objects.filter(pk=run.scan_id).exists()
    assert not type(run).objects.filter(pk=run.pk).exists()
    # Results go with their run (Result.scan does not cascade): none is left pointing at the scan.
    assert list(Result.objects.values_list("pk", flat=True)) == [kept.pk]


def test_search_and_sort(api, world):
    target = TargetFactory(organization=world.customer)
    schedule = ScheduleFactory(organization=world.customer)
    ScanFactory(organization=world.customer, name="alpha", target=target, status="done", last_run_at="2030-01-02T00:00:00Z")
    ScanFactory(organization=world.customer, name="beta", schedule=schedule, status="new")
    client = api.as_user(world.user)
    names = lambda r: [i["attributes"]["name"] for i in r.json()["data"]]  # noqa: E731
    assert names(client.get("/v2/scans", {"q[name]": "al*"})) == ["alpha"]
    assert names(client.get("/v2/scans", {"q[status]": "done"})) == ["alpha"]
    assert names(client.get("/v2/scans", {"q[target_id]": str(target.pk)})) == ["alpha"]
    assert names(client.get("/v2/scans", {"q[schedule_id]": str(schedule.pk)})) == ["beta"]
    assert names(client.get("/v2/scans", {"sort_by": "name desc"})) == ["beta", "alpha"]
    assert names(client.get("/v2/scans", {"sort_by": "status"})) == ["alpha", "beta"]
    assert client.get("/v2/scans", {"sort_by": "last_run_at desc"}).status_code == 200
    assert client.get("/v2/scans", {"sort_by": "next_run_at"}).status_code == 200
    assert_error(client.get("/v2/scans", {"q[comment]": "x"}), 422)
    assert_error(client.get("/v2/scans", {"q[target_id]": "not-a-uuid"}), 422)


def test_scans_are_limited_to_the_active_product(api, world):
    client = api.as_user(world.user)
    target = client.post("/v2/targets", {"name": "t", "hosts": "192.0.2.1"}).json()["data"]["id"]
    scan = post_scan(client, target_id=target).json()["data"]["id"]
    assert client.get(f"/v2/scans/{scan}").status_code == 200
    assert client.put("/v2/user/change_product", params={"product_code": "vrms"}).status_code == 200
    assert_error(client.get(f"/v2/scans/{scan}"), 404)
    assert_error(client.get(f"/v2/targets/{target}"), 404)
    assert client.get("/v2/scans").json()["meta"]["total_count"] == 0
    assert client.get("/v2/scans/recent").json()["meta"]["total_count"] == 0
    assert_error(client.post(f"/v2/scans/{scan}/start"), 404)
    assert_error(post_scan(client, target_id=target), 422, "target_id")
    client.put("/v2/user/change_product", params={"product_code": "pci"})
    assert client.get(f"/v2/scans/{scan}").status_code == 200


def test_builtin_scanner_exists_once(api, world):
    assert Scanner.objects.filter(predefined=True).count() == 1

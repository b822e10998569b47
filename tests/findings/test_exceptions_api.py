"""/v2/exceptions: every route, scoping, roles, and counts following an exception."""

from datetime import timedelta

import pytest
from django.utils import timezone

from findings.models import Finding, FindingException
from tests.api_mixins import CrudTests, assert_error, assert_list_envelope

from .factories import CheckInfoFactory, ExceptionFactory, FindingFactory, HostFactory

pytestmark = pytest.mark.usefixtures("subscribed")
NVT = "1.3.6.1.4.1.60000.7.1"
USERS_AND_ABOVE = ("User", "Manager", "Partner", "Admin")


class TestExceptionResource(CrudTests):
    collection = "/v2/exceptions"
    resource_type = "exception"
    resource_name = "exception"
    write_roles = USERS_AND_ABOVE
    create_body = {"text": "Accepted by the CISO", "nvt": NVT, "hosts": "198.51.100.7, 198.51.100.8",
                   "port": "443/tcp", "new_severity": 2.0}
    update_body = {"text": "Reviewed again", "new_severity": -1}
    invalid_body = ({"new_severity": 11}, "new_severity")

    def make(self, world, organization):
        return ExceptionFactory(organization=organization)

    def caller(self, world, action="list"):
        return world.user

    def assert_created(self, attributes, body):
        assert attributes["hosts"] == ["198.51.100.7", "198.51.100.8"] and attributes["port"] == "443/tcp"
        assert (attributes["new_severity"], attributes["active"], attributes["expired"]) == (2.0, True, False)
        assert attributes["end_time"] is None and attributes["scan"] is None

    def assert_updated(self, attributes):
        assert (attributes["text"], attributes["new_severity"]) == ("Reviewed again", -1.0)


def test_create_requires_text_and_nvt(api, world):
    client = api.as_user(world.user)
    assert_error(client.post("/v2/exceptions", {"exception": {"nvt": NVT}}), 422, "text")
    assert_error(client.post("/v2/exceptions", {"exception": {"text": "x"}}), 422, "nvt")


@pytest.mark.parametrize(("field", "value"), [("hosts", "not-an-ip"), ("port", "https"), ("new_severity", "high"),
                                              ("new_severity", -0.5), ("end_time", "tomorrow"), ("scan", "nope"),
                                              ("text", 5)])
def test_create_validates_fields(api, world, field, value):
    body = {"text": "x", "nvt": NVT, field: value}
    assert_error(api.as_user(world.user).post("/v2/exceptions", {"exception": body}), 422, field)


def test_scan_and_task_must_be_the_callers(api, world):
    from tests.scanning.factories import ScanFactory

    foreign = ScanFactory(organization=world.other_org)
    mine = ScanFactory(organization=world.customer)
    client = api.as_user(world.user)
    assert_error(client.post("/v2/exceptions", {"exception": {"text": "x", "nvt": NVT, "scan": str(foreign.pk)}}), 422, "scan")
    created = client.post("/v2/exceptions", {"exception": {"text": "x", "nvt": NVT, "task": str(mine.pk)}})
    assert created.status_code == 201, created.content
    assert created.json()["data"]["attributes"]["scan"] == {"id": str(mine.pk)}


def test_exception_changes_severity_counts_and_verdict(api, world):
    org = world.customer
    check = CheckInfoFactory(organization=org, nvt=NVT, name="Weak cipher")
    host = HostFactory(organization=org, ip="198.51.100.7")
    finding = FindingFactory(organization=org, check_info=check, host=host, severity=7.5)
    other = FindingFactory(organization=org, check_info=check, severity=7.5,
                           host=HostFactory(organization=org, ip="198.51.100.9"))
    client = api.as_user(world.user)
    assert client.get("/v2/vulnerabilities/total").json()["data"]["severity_counts"]["high"] == 2

    response = client.post("/v2/exceptions", {"exception": {"text": "False positive: the cipher is off",
                                                            "nvt": NVT, "hosts": ["198.51.100.7"]}})
    assert response.status_code == 201, response.content
    exception_id = response.json()["data"]["id"]
    attributes = client.get(f"/v2/vulnerabilities/{finding.pk}").json()["data"]["attributes"]
    assert (attributes["severity"], attributes["original_severity"], attributes["severity_level"]) == (-1.0, 7.5, "false_positive")
    assert attributes["excepted"] is True and attributes["exception"] == {"id": exception_id}
    assert client.get(f"/v2/vulnerabilities/{other.pk}").json()["data"]["attributes"]["severity"] == 7.5
    counts = client.get("/v2/vulnerabilities/total").json()["data"]
    assert (counts["severity_counts"]["high"], counts["severity_counts"]["false_positive"], counts["total"]) == (1, 1, 1)
    assert client.get(f"/v2/hosts/{host.pk}").json()["data"]["attributes"]["vulnerability_count"] == 0

    details = client.get(f"/v2/exceptions/{exception_id}/details").json()["data"]["attributes"]
    assert details["findings_count"] == 1 and details["findings"][0]["id"] == str(finding.pk)
    assert details["findings"][0]["original_severity"] == 7.5

    reset = client.put("/v2/exceptions/reset", {"ids": [exception_id]})
    assert reset.status_code == 200 and reset.json()["updated"] == 1
    assert client.get(f"/v2/vulnerabilities/{finding.pk}").json()["data"]["attributes"]["severity"] == 7.5
    assert client.get(f"/v2/exceptions/{exception_id}/details").json()["data"]["attributes"]["findings"] == []
    assert client.put("/v2/exceptions/activate", {"ids": [exception_id]}).json()["updated"] == 1
    assert client.get(f"/v2/vulnerabilities/{finding.pk}").json()["data"]["attributes"]["severity"] == -1.0

    assert client.put(f"/v2/exceptions/{exception_id}", {"exception": {"new_severity": 3.0}}).status_code == 200
    assert client.get(f"/v2/vulnerabilities/{finding.pk}").json()["data"]["attributes"]["severity_level"] == "low"
    assert client.delete(f"/v2/exceptions/{exception_id}").json() == {}
    assert client.get(f"/v2/vulnerabilities/{finding.pk}").json()["data"]["attributes"]["severity"] == 7.5
    assert Finding.objects.get(pk=finding.pk).exception_id is None


def test_activate_and_reset_take_ids(api, world):
    mine = ExceptionFactory(organization=world.customer, active=False)
    foreign = ExceptionFactory(organization=world.other_org, active=False)
    client = api.as_user(world.user)
    body = client.put("/v2/exceptions/activate", {"ids": [str(mine.pk), str(foreign.pk), "junk"]}).json()
    assert (body["updated"], body["ids"], set(body["not_found"])) == (1, [str(mine.pk)], {str(foreign.pk), "junk"})
    assert FindingException.objects.get(pk=foreign.pk).active is False
    for route in ("activate", "reset"):
        assert_error(client.put(f"/v2/exceptions/{route}", {"ids": "x"}), 422, "ids")
        assert_error(client.put(f"/v2/exceptions/{route}", {}), 422, "ids")
        assert_error(api.as_user(world.viewer).put(f"/v2/exceptions/{route}", {"ids": [str(mine.pk)]}), 403)


def test_list_search_and_sort(api, world):
    from tests.scanning.factories import ScanFactory

    now = timezone.now()
    scan = ScanFactory(organization=world.customer)
    a = ExceptionFactory(organization=world.customer, nvt="n.a", hosts=["198.51.100.7"], end_time=now + timedelta(days=2))
    b = ExceptionFactory(organization=world.customer, nvt="n.b", active=False, scan=scan, end_time=now + timedelta(days=1))
    client = api.as_user(world.viewer)

    def found(params):
        response = client.get("/v2/exceptions", params)
        assert response.status_code == 200, response.content
        assert_list_envelope(response.json(), "exception")
        return [item["id"] for item in response.json()["data"]]

    assert found({"q[nvt]": "n.a"}) == [str(a.pk)]
    assert found({"q[hosts]": "198.51.100.7"}) == [str(a.pk)]
    assert found({"q[active]": "false"}) == [str(b.pk)]
    assert found({"q[scan_id]": str(scan.pk)}) == [str(b.pk)]
    assert found({"sort_by": "end_time asc"}) == [str(b.pk), str(a.pk)]
    assert found({"sort_by": "created_at asc"}) == [str(a.pk), str(b.pk)]
    assert found({}) == [str(b.pk), str(a.pk)]  # newest first
    for key, value in (("q[text]", "x"), ("q[hosts]", "web"), ("sort_by", "nvt"), ("q[scan_id]", "x")):
        assert_error(client.get("/v2/exceptions", {key: value}), 422, key)
    foreign = ScanFactory(organization=world.other_org)
    ExceptionFactory(organization=world.other_org, scan=foreign)
    assert found({"q[scan_id]": str(foreign.pk)}) == []  # another organization's scan matches nothing


def test_product_scoping(api, world):
    vrms = ExceptionFactory(organization=world.customer, product="vrms")
    client = api.as_user(world.user)
    assert client.get("/v2/exceptions").json()["data"] == []
    for path in (f"/v2/exceptions/{vrms.pk}", f"/v2/exceptions/{vrms.pk}/details"):
        assert_error(client.get(path), 404)


def test_details_of_another_organization_is_404(api, world):
    foreign = ExceptionFactory(organization=world.other_org)
    assert_error(api.as_user(world.user).get(f"/v2/exceptions/{foreign.pk}/details"), 404)


def test_statistics(api, world):
    now = timezone.now()
    ExceptionFactory(organization=world.customer)
    ExceptionFactory(organization=world.customer, active=False)
    ExceptionFactory(organization=world.customer, active=False, expired_at=now, end_time=now - timedelta(hours=1))
    ExceptionFactory(organization=world.other_org)
    check = CheckInfoFactory(organization=world.customer, nvt=NVT)
    finding = FindingFactory(organization=world.customer, check_info=check, severity=5.0)
    client = api.as_user(world.viewer)
    client.get("/v2/exceptions/statistics")
    response = api.as_user(world.user).post("/v2/exceptions", {"exception": {"text": "fp", "nvt": NVT}})
    assert response.status_code == 201, response.content
    body = client.get("/v2/exceptions/statistics").json()["data"]
    assert (body["total"], body["active"], body["inactive"], body["expired"]) == (4, 2, 1, 1)
    assert (body["findings_affected"], body["false_positives"]) == (1, 1)
    assert Finding.objects.get(pk=finding.pk).severity == -1.0


@pytest.mark.parametrize("path", ["/v2/exceptions", "/v2/exceptions/statistics"])
def test_reads_query_count_does_not_grow(api, world, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api.as_user(world.manager)
    ExceptionFactory(organization=world.customer)
    client.get(path)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, {"per_page": 50}).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(10):
        ExceptionFactory(organization=world.customer)
    assert queries() == few

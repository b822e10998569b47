"""Exceptions (endpoints.md, resources.md exception; [doc] create fields), as a client sees them."""

import pytest

from tests.api_mixins import assert_error, assert_list_envelope

from .conftest import assert_timestamp, assert_uuid, data, ok

EXCEPTION_KEYS = {"id", "text", "nvt", "hosts", "port", "scan", "task", "new_severity", "active", "end_time",
                  "expired", "affected_count", "created_by", "created_at", "updated_at"}
TLS = "nessus:104743"  # TLS 1.0 on 192.0.2.10:443, medium


def create(client, **fields):
    return client.post("/v2/exceptions", {"exception": {"text": "Accepted risk", "nvt": TLS, **fields}})


def test_create_with_every_documented_field(api, world, seeded):
    client = api.as_user(world.user)
    created = data(create(client, hosts="192.0.2.10", port="443/tcp", scan=seeded.scan_id, new_severity=-1,
                          end_time="2099-01-01T00:00:00Z"), 201)
    attributes = created["attributes"]
    assert created["type"] == "exception" and EXCEPTION_KEYS <= set(attributes), EXCEPTION_KEYS - set(attributes)
    assert attributes["hosts"] == ["192.0.2.10"] and attributes["port"] == "443/tcp"
    assert attributes["scan"]["id"] == seeded.scan_id and attributes["new_severity"] == -1
    assert attributes["active"] is True and attributes["expired"] is False and attributes["affected_count"] == 1
    assert_timestamp(attributes["end_time"]) and assert_timestamp(attributes["created_at"])
    assert created["relationships"]["created_by"]["data"] == {"id": str(world.user.pk), "type": "user"}
    [finding] = data(client.get("/v2/vulnerabilities", {"q[nvt]": TLS}))
    assert finding["attributes"]["severity_level"] == "false_positive" and finding["attributes"]["excepted"] is True
    assert finding["attributes"]["original_severity"] > 0
    assert finding["attributes"]["exception"] == {"id": created["id"]}


def test_task_is_an_alias_of_scan_and_unwrapped_bodies_work(api, world, seeded):
    client = api.as_user(world.user)
    created = data(client.post("/v2/exceptions", {"text": "t", "nvt": TLS, "task": seeded.scan_id}), 201)
    assert created["attributes"]["scan"]["id"] == seeded.scan_id == created["attributes"]["task"]["id"]


@pytest.mark.parametrize("fields, field", [
    ({"text": ""}, "text"), ({"nvt": ""}, "nvt"), ({"new_severity": 11}, "new_severity"),
    ({"new_severity": "high"}, "new_severity"), ({"hosts": "not-an-ip"}, "hosts"), ({"port": "https"}, "port"),
    ({"end_time": "tomorrow"}, "end_time"), ({"text": 5}, "text"),
])
def test_create_errors_name_the_field(api, world, seeded, fields, field):
    assert_error(create(api.as_user(world.user), **fields), 422, field)


def test_create_with_a_foreign_scan_is_refused(api, world, seeded):
    response = create(api.as_user(world.user), scan=seeded.foreign_scan_id)
    assert response.status_code in (404, 422)
    assert_error(response, response.status_code)
    assert ok(api.as_user(world.user).get("/v2/exceptions"))["meta"]["total_count"] == 0


def test_list_search_sort_and_member(api, world, seeded):
    client = api.as_user(world.user)
    first = data(create(client, hosts=["192.0.2.10"]), 201)
    second = data(create(client, nvt="nessus:153884", scan=seeded.scan_id, end_time="2098-01-01T00:00:00Z"), 201)
    body = ok(api.as_user(world.viewer).get("/v2/exceptions"))
    assert_list_envelope(body, "exception")
    assert [e["id"] for e in body["data"]] == [second["id"], first["id"]]  # newest first
    viewer = api.as_user(world.viewer)
    assert [e["id"] for e in data(viewer.get("/v2/exceptions", {"q[nvt]": TLS}))] == [first["id"]]
    assert [e["id"] for e in data(viewer.get("/v2/exceptions", {"q[hosts]": "192.0.2.10"}))] == [first["id"]]
    assert [e["id"] for e in data(viewer.get("/v2/exceptions", {"q[scan_id]": seeded.scan_id}))] == [second["id"]]
    assert len(data(viewer.get("/v2/exceptions", {"q[active]": "true"}))) == 2
    assert [e["id"] for e in data(viewer.get("/v2/exceptions", {"sort_by": "created_at asc"}))] == [first["id"], second["id"]]
    assert data(viewer.get("/v2/exceptions", {"sort_by": "end_time desc"}))
    assert_error(viewer.get("/v2/exceptions", {"q[text]": "x"}), 422, "q[text]")
    assert_error(viewer.get("/v2/exceptions", {"sort_by": "nvt asc"}), 422, "sort_by")
    assert data(viewer.get(f"/v2/exceptions/{first['id']}")) == body["data"][1]


def test_update_details_activate_reset_statistics(api, world, seeded):
    client = api.as_user(world.user)
    created = data(create(client, new_severity=0.0), 201)
    path = f"/v2/exceptions/{created['id']}"
    updated = data(client.put(path, {"exception": {"text": "Changed", "new_severity": 2.5}}))
    assert updated["attributes"]["text"] == "Changed" and updated["attributes"]["new_severity"] == 2.5
    assert_error(client.put(path, {"exception": {"new_severity": -2}}), 422, "new_severity")
    details = data(client.get(f"{path}/details"))
    assert details["id"] == created["id"] and details["attributes"]["findings"][0]["severity"] == 2.5
    assert_uuid(details["attributes"]["findings"][0]["id"])
    reset = ok(client.put("/v2/exceptions/reset", {"ids": [created["id"], "nope"]}))
    assert reset["ids"] == [created["id"]] and reset["not_found"] == ["nope"]
    assert data(client.get(path))["attributes"]["active"] is False
    assert data(client.get(f"{path}/details"))["attributes"]["findings"] == []
    [finding] = data(client.get("/v2/vulnerabilities", {"q[nvt]": TLS}))
    assert finding["attributes"]["excepted"] is False and finding["attributes"]["severity_level"] == "medium"
    ok(client.put("/v2/exceptions/activate", {"ids": [created["id"]]}))
    stats = data(client.get("/v2/exceptions/statistics"))
    assert {"active", "inactive", "expired"} <= set(stats) and stats["active"] == 1 and stats["findings_affected"] == 1
    assert_error(client.put("/v2/exceptions/activate", {"ids": []}), 422, "ids")


def test_delete_single_and_bulk(api, world, seeded):
    client = api.as_user(world.user)
    one = data(create(client), 201)["id"]
    two = data(create(client, nvt="nessus:153884"), 201)["id"]
    assert ok(client.delete(f"/v2/exceptions/{one}")) == {}
    body = ok(client.delete("/v2/exceptions", {"ids": [two, one]}))
    assert body == {"deleted": 1, "ids": [two], "not_found": [one]}
    [finding] = data(client.get("/v2/vulnerabilities", {"q[nvt]": TLS}))
    assert finding["attributes"]["excepted"] is False


def test_viewer_reads_but_never_writes(api, world, seeded):
    exception_id = data(create(api.as_user(world.user)), 201)["id"]
    viewer = api.as_user(world.viewer)
    assert data(viewer.get(f"/v2/exceptions/{exception_id}/details"))
    assert_error(create(viewer), 403)
    assert_error(viewer.put(f"/v2/exceptions/{exception_id}", {"exception": {"text": "x"}}), 403)
    assert_error(viewer.delete(f"/v2/exceptions/{exception_id}"), 403)
    assert_error(viewer.delete("/v2/exceptions", {"ids": [exception_id]}), 403)
    assert_error(viewer.put("/v2/exceptions/activate", {"ids": [exception_id]}), 403)
    assert_error(viewer.put("/v2/exceptions/reset", {"ids": [exception_id]}), 403)


def test_another_organizations_exception_is_404(api, world, seeded):
    foreign = data(create(api.as_user(world.other_user)), 201)["id"]
    client = api.as_user(world.manager)
    for response in (client.get(f"/v2/exceptions/{foreign}"), client.get(f"/v2/exceptions/{foreign}/details"),
                     client.put(f"/v2/exceptions/{foreign}", {"exception": {"text": "x"}}),
                     client.delete(f"/v2/exceptions/{foreign}")):
        assert_error(response, 404)
    assert ok(client.put("/v2/exceptions/reset", {"ids": [foreign]}))["not_found"] == [foreign]
    assert ok(client.delete("/v2/exceptions", {"ids": [foreign]}))["deleted"] == 0
    assert data(api.as_user(world.other_user).get(f"/v2/exceptions/{foreign}"))["attributes"]["active"] is True


@pytest.mark.parametrize("fields, attribute, expected", [
    ({"port": 443}, "port", "443/tcp"), ({"port": "443"}, "port", "443/tcp"), ({"end_time": ""}, "end_time", None),
    ({"scan": ""}, "scan", None), ({"task": ""}, "scan", None), ({"end_time": "2030-01-01"}, "end_time", "2030-01-01T00:00:00.000Z"),
    ({"end_time": "2030-01-01T10:00:00+02:00"}, "end_time", "2030-01-01T08:00:00.000Z"),
    ({"hosts": "192.0.2.10, 192.0.2.11"}, "hosts", ["192.0.2.10", "192.0.2.11"]),
])
def test_create_takes_the_values_clients_send(api, world, seeded, fields, attribute, expected):
    assert data(create(api.as_user(world.user), **fields), 201)["attributes"][attribute] == expected


@pytest.mark.parametrize("port", [0, 70000, True, 44.3])
def test_a_port_number_out_of_range_or_not_an_integer_is_a_422(api, world, seeded, port):
    assert_error(create(api.as_user(world.user), port=port), 422, "port")

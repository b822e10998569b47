"""Integers beyond what the database stores are a 422 naming the field (issue 13, item 7)."""

import pytest

pytestmark = pytest.mark.usefixtures("subscribed")


def test_a_schedule_count_beyond_the_database_range_is_422(api, world):
    client = api.as_user(world.manager)
    body = {"name": "big", "start_at": "2030-01-01T09:00:00", "timezone": "UTC", "frequency": "daily"}
    for field, value in (("count", 10**18), ("interval", 10**18), ("duration", -(10**18))):
        response = client.post("/v2/schedules", {**body, field: value})
        assert response.status_code == 422, response.content
        assert field in response.json()["errors"]
    assert client.post("/v2/schedules", {**body, "count": 2**31 - 1}).status_code == 201

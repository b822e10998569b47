"""Query counts pinned per list route, in one file (tests/query_counts.json, as NetBox's): every
list route of /v2/schema (and its list actions: histories, hosts, upcoming, recent, running...)
is pinned, costs the same number of queries for a page of one row as for a page of all, and that
number is the pinned one. A new list route fails until it is pinned (and has a grower in
tests/api/list_growers.py); a count that changes fails until the pin is updated on purpose."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .list_growers import GROWERS
from .schema_check import schema_document
from .schema_routes import GET_ROUTES, seed

PINS_FILE = Path(__file__).parent.parent / "query_counts.json"
PINS = json.loads(PINS_FILE.read_text())


def list_routes():
    """The GET operations whose documented success is the list envelope."""
    found = set()
    for path, methods in schema_document()["paths"].items():
        schema = methods.get("get", {}).get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
        if "meta" in schema.get("schema", {}).get("properties", {}):
            found.add(f"GET {path}")
    return found


def test_every_list_route_is_pinned():
    routes = list_routes()
    assert set(PINS) == routes, {"not pinned": sorted(routes - set(PINS)), "not a list route": sorted(set(PINS) - routes)}
    assert {f"GET {path}" for path in GROWERS} == routes


def count(client, path, per_page):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"per_page": per_page})
    assert response.status_code == 200, response.content[:300]
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]]), len(response.json()["data"])


@pytest.mark.parametrize("route", sorted(PINS))
def test_list_query_count_is_pinned(api, world, route):
    path = route.removeprefix("GET ")
    caller, build = GET_ROUTES[path]
    seeded = seed(api, world)
    if GROWERS[path]:
        GROWERS[path](seeded, 3)
    client, concrete = api.as_user(getattr(world, caller)), build(seeded)
    client.get(concrete, {"per_page": 1})  # warm-up: API key last_used_at, caches
    small, rows_small = count(client, concrete, 1)
    large, rows_large = count(client, concrete, 100)
    assert rows_small == 1 and rows_large >= 2, f"{route}: seed more rows ({rows_small}, {rows_large})"
    assert small == large, f"{route}: {small} queries for a page of 1, {large} for a page of {rows_large}"
    assert large == PINS[route], f"{route}: {large} queries, pinned {PINS[route]} in tests/query_counts.json"

"""The endpoints.md meta-test (GUIDE.md, Tests): every (method, path) of the contract resolves in the
URLconf with that method allowed, except the routes listed in PENDING_ROUTES. Each later issue
removes its routes from PENDING_ROUTES; the second test fails while a built route is still listed."""

import re
import uuid
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

ENDPOINTS = Path(__file__).resolve().parents[2] / "shared/spec/endpoints.md"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
ROW = re.compile(r"^\|\s*([A-Z][A-Z ]*?)\s*\|\s*(/[^\s|]*)\s*\|")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SAMPLE_ID = "0b7e5c1e-3c1a-4d4e-9a8f-2f6f1c9d8e7a"
# Placeholders that are not ids get a valid sample value.
SAMPLE_VALUES = {"name": "scan_event"}

PENDING_ROUTES = set()  # every route of endpoints.md is built


def contract_routes():
    """(method, path template) for every row of endpoints.md, query strings stripped."""
    if not ENDPOINTS.is_file():
        pytest.fail(f"The contract is missing: expected {ENDPOINTS} (../shared/spec next to the repository)")
    routes = []
    for line in ENDPOINTS.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if not match:
            continue
        methods = match.group(1).split()
        if not set(methods) <= METHODS:
            continue
        path = match.group(2).split("?")[0]
        routes.extend((method, path) for method in methods)
    return routes


def concrete(path):
    return PLACEHOLDER.sub(lambda m: SAMPLE_VALUES.get(m.group(1), SAMPLE_ID), path)


def allowed_methods(path):
    """The HTTP methods the URLconf serves at `path` (empty when it does not resolve)."""
    try:
        match = resolve(path)
    except Resolver404:
        return set()
    if match.url_name == "api-not-found":  # the JSON 404 for every other path under /v2 and /auth
        return set()
    func = match.func
    actions = getattr(func, "actions", None)
    if actions:  # a DRF viewset: {"get": "list", ...}
        cls = func.cls
        return {m.upper() for m, name in actions.items() if hasattr(cls, name)}
    cls = getattr(func, "cls", None) or getattr(func, "view_class", None)
    if cls is not None:  # an APIView or Django class-based view
        return {m.upper() for m in cls.http_method_names if hasattr(cls, m)} - {"OPTIONS", "HEAD"}
    return {"GET"}


def test_the_contract_parses():
    routes = contract_routes()
    assert len(routes) > 150
    assert ("PUT", "/v2/users/{id}") in routes
    assert ("GET", "/auth/confirmation") in routes  # query string stripped
    assert {("GET", "/v2/schedules"), ("POST", "/v2/schedules")} <= set(routes)  # "GET POST" rows
    assert {("GET", "/v2/scans/{id}"), ("PUT", "/v2/scans/{id}"), ("DELETE", "/v2/scans/{id}")} <= set(routes)
    assert PENDING_ROUTES <= set(routes), f"not in endpoints.md: {sorted(PENDING_ROUTES - set(routes))}"


def test_every_contract_route_resolves_with_its_method():
    missing = [
        f"{method} {path}" for method, path in contract_routes()
        if (method, path) not in PENDING_ROUTES and method not in allowed_methods(concrete(path))
    ]
    assert not missing, "routes of endpoints.md the URLconf does not serve:\n" + "\n".join(missing)


def test_pending_routes_are_really_pending():
    built = sorted(f"{method} {path}" for method, path in PENDING_ROUTES if method in allowed_methods(concrete(path)))
    assert not built, "these routes are built now; remove them from PENDING_ROUTES:\n" + "\n".join(built)


def test_member_routes_accept_only_uuids():
    assert "GET" in allowed_methods(f"/v2/users/{uuid.uuid4()}")
    assert allowed_methods("/v2/users/not-a-uuid") == set()
    assert allowed_methods(f"/v2/users/{uuid.uuid4()}/") == allowed_methods(f"/v2/users/{uuid.uuid4()}")

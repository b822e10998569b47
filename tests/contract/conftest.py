"""Black-box contract tests of the findings, hosts, exceptions, imports and reports routes: the
data comes in the way a client's does (a real Nessus report imported through
POST /v2/scans/{id}/import), and every check reads only what the API answers."""

import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.scanning.conftest import builtins, catalogue, client_of, subscribed  # noqa: F401
from tests.scanning.factories import ScanFactory, TargetFactory

DATA = Path(__file__).parent.parent / "findings" / "importers" / "data"
HOSTS = "192.0.2.10, 192.0.2.11, 192.0.2.12, 192.0.2.20, 2001:db8::10, 2001:db8::20, 198.51.100.5"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LEVELS = {"high", "medium", "low", "log", "false_positive"}


def upload(client, scan_id, name="nessus_v2.nessus", fmt="nessus", content=None):
    file = io.BytesIO(content if content is not None else (DATA / name).read_bytes())
    file.name = name
    return client.client.post(f"/v2/scans/{scan_id}/import", {"file": file, "format": fmt}, **client.headers)


def ok(response, status=200):
    assert response.status_code == status, response.content[:600]
    return response.json()


def data(response, status=200):
    return ok(response, status)["data"]


def assert_timestamp(value, nullable=False):
    if value is None and nullable:
        return
    assert isinstance(value, str) and TIMESTAMP.match(value), value


def assert_uuid(value):
    assert isinstance(value, str) and str(uuid.UUID(value)) == value, value


@dataclass
class Seeded:
    scan_id: str
    history_id: str
    foreign_scan_id: str
    foreign_history_id: str


@pytest.fixture
def seeded(api, world, subscribed):  # noqa: F811
    """The customer's scan with one imported Nessus run, and the same in another organization."""
    scans = []
    for organization, user in ((world.customer, world.user), (world.other_org, world.other_user)):
        scan = ScanFactory(organization=organization, target=TargetFactory(organization=organization, hosts=HOSTS))
        run = data(upload(api.as_user(user), scan.pk), 201)
        scans.append((str(scan.pk), run["id"]))
    return Seeded(scans[0][0], scans[0][1], scans[1][0], scans[1][1])

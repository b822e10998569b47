"""A Greenbone CSV export cut short is refused like a cut XML file (docs/imports.md: a truncated
file is a 422 naming `file`, and nothing is stored)."""

import pytest

from findings.models import Finding
from scanning.models import ScanRun
from tests.api_mixins import assert_error

from .test_import_api import DATA, scan, upload  # noqa: F401  (scan is a fixture)

pytestmark = pytest.mark.usefixtures("subscribed")
TEXT = (DATA / "gvm22.csv").read_text(encoding="utf-8")


def cut_after(marker):
    return TEXT[: TEXT.index(marker) + len(marker)].encode()


@pytest.mark.parametrize("body", [
    cut_after("192.0.2.10,wébserver.example.test,80,tcp,9.8,Crit"),  # in the middle of a row
    cut_after('"Installed version: 2.4.49\n'),  # inside a quoted cell that spans lines
    cut_after('"Installed version: 2.4.49'),
], ids=["mid-row", "quoted-cell-at-a-line-break", "quoted-cell"])
def test_a_cut_csv_is_refused_and_nothing_is_stored(api, world, scan, body):  # noqa: F811
    response = upload(api.as_user(world.user), scan, "cut.csv", "gvm_csv", body)
    assert "truncated" in assert_error(response, 422, "file")["errors"]["file"][0]
    assert not ScanRun.objects.filter(scan=scan).exists() and not Finding.objects.exists()


def test_the_whole_csv_is_still_taken(api, world, scan):  # noqa: F811
    assert upload(api.as_user(world.user), scan, "gvm22.csv", "gvm_csv").status_code == 201
    assert Finding.objects.exists()

"""Debian's real PostgreSQL 15 (trust login, so it says its server_version "15.x (Debian
15.x-0+deb12uN)"): the version checks see a Debian bookworm build with its package revision, so an
imported CVE is a QoD 30 version-only match, settled by the Debian tracker's fixed version
(older -> QoD 97 naming both versions, same -> no finding); 15 is no end-of-life line."""

import shutil
import subprocess

import pytest

from scanning.engine import ScanPlan, run
from scanning.engine.feed.components import components_of
from scanning.engine.feed.importer import import_file
from tests.daemons import free_port
from tests.scanning.engine.checks.servicechecks import shared_dir
from tests.scanning.engine.checks.test_databases import PG_BIN, as_postgres, postgres

from ..conftest import RecordingReporter
from .banner_servers import check
from .documents import debian_document, nvd_cve, nvd_document, write

SYNTHETIC = "CVE-2099-0015"  # an imported NVD entry for every PostgreSQL 15 release before 15.99


@pytest.fixture(scope="module")
def pg_port():
    shutil.which(f"{PG_BIN}/initdb") or pytest.skip("Debian's postgresql-15 is not installed")
    root = shared_dir("postgres")
    try:
        subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", f"{root}/data", "-U", "postgres", "--auth=trust", "-N"]),  # noqa: S603
                       check=True, capture_output=True, timeout=120)
        port = free_port()
        with postgres(f"{root}/data", port):
            hosts = run(ScanPlan(addresses=["127.0.0.1"], tcp_ports=[port], use_nmap=False, service_timeout=3.0), RecordingReporter())
        [found] = hosts[0].ports
        return found
    finally:
        shutil.rmtree(root, ignore_errors=True)


def feed(tmp_path, fixed=None):
    tmp_path.mkdir(exist_ok=True)
    database = tmp_path / "feed.sqlite3"
    ranges = [{"criteria": "cpe:2.3:a:postgresql:postgresql:*:*:*:*:*:*:*:*", "versionStartIncluding": "15.0", "versionEndExcluding": "15.99"}]
    import_file(database, write(tmp_path / "nvd.json", nvd_document([nvd_cve(SYNTHETIC, ranges, summary="A flaw in PostgreSQL.")])))
    if fixed:
        document = debian_document({("postgresql-15", SYNTHETIC): {"bookworm": ("resolved", fixed)}})
        import_file(database, write(tmp_path / "debian.json", document))
    return str(database)


def test_the_server_version_shows_the_debian_build(pg_port):
    [component] = components_of(pg_port)
    version = component.version
    assert pg_port.version.startswith("15.") and version.upstream == pg_port.version
    assert (version.distribution, version.release) == ("Debian", "bookworm") and version.revision.startswith("0+deb12u")
    assert check("CG-9005", pg_port) == [] and check("CG-9000", pg_port) == []


def test_an_imported_cve_is_a_distribution_match_until_the_tracker_settles_it(pg_port, tmp_path):
    package_version = components_of(pg_port)[0].version.package_version
    [unsettled] = check("CG-9000", pg_port, feed(tmp_path))
    assert unsettled.qod == 30 and f"Debian package revision {package_version.split('-', 1)[1]}" in unsettled.detection
    assert f"PostgreSQL server_version '{pg_port.version} (Debian {package_version})'" in unsettled.detection
    assert check("CG-9000", pg_port, feed(tmp_path / "same", package_version)) == []
    [vulnerable] = check("CG-9000", pg_port, feed(tmp_path / "later", f"{pg_port.version}-0+deb12u99"))
    assert vulnerable.qod == 97 and f"{pg_port.version}-0+deb12u99" in vulnerable.detection

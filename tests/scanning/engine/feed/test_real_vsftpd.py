"""Debian's real vsftpd (3.0.3), started on a free port: the banner the engine detects gives no
curated finding, and an imported NVD CVE for exactly 3.0.3 is reported as a version-only match
on a probable distribution build (Debian ships 3.0.3 and backports fixes): QoD 30."""

import asyncio
from types import SimpleNamespace

import pytest

from scanning.engine import ScanPlan, run
from scanning.engine.checks import CATALOGUE
from scanning.engine.feed.importer import import_file
from tests.daemons import Daemon, binary, free_port

from ..conftest import RecordingReporter
from .documents import nvd_cve, nvd_document, write

CVE_2021_30047 = nvd_cve(
    "CVE-2021-30047", [{"criteria": "cpe:2.3:a:vsftpd_project:vsftpd:3.0.3:*:*:*:*:*:*:*"}],
    vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", score=7.5,
    summary="VSFTPD 3.0.3 allows attackers to cause a denial of service due to limited number of connections allowed.")


@pytest.fixture(scope="module")
def vsftpd_port(tmp_path_factory):
    path = binary("vsftpd")
    folder = tmp_path_factory.mktemp("vsftpd")
    (folder / "empty").mkdir()
    port = free_port()
    config = folder / "vsftpd.conf"
    config.write_text("\n".join([
        "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", f"listen_port={port}", "background=NO",
        "run_as_launching_user=YES", "anonymous_enable=YES", "no_anon_password=YES", f"anon_root={folder / 'empty'}",
        "local_enable=NO", "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", f"secure_chroot_dir={folder / 'empty'}",
        "xferlog_enable=NO", f"vsftpd_log_file={folder / 'log'}", "",
    ]))
    with Daemon([path, str(config)], port):
        hosts = run(ScanPlan(addresses=["127.0.0.1"], tcp_ports=[port], use_nmap=False, service_timeout=2.0), RecordingReporter())
    [found] = hosts[0].ports
    return found


def run_checks(port, feed_path=""):
    context = SimpleNamespace(feed_path=feed_path)
    checks = [cls() for cls in CATALOGUE.values() if cls.family == "known_vulnerable_versions"]
    return [f for check in checks if check.applies(None, port) for f in asyncio.run(check.run(context, None, port))]


def test_detected_banner(vsftpd_port):
    assert (vsftpd_port.service, vsftpd_port.product, vsftpd_port.version) == ("ftp", "vsftpd", "3.0.3")
    assert vsftpd_port.banner == "220 (vsFTPd 3.0.3)"


def test_curated_feed_finds_nothing(vsftpd_port):
    assert run_checks(vsftpd_port) == []


def test_imported_cve_is_a_low_qod_distribution_match(vsftpd_port, tmp_path):
    database = tmp_path / "feed.sqlite3"
    import_file(database, write(tmp_path / "nvd.json", nvd_document([CVE_2021_30047])))
    [finding] = run_checks(vsftpd_port, str(database))
    assert (finding.nvt, finding.severity, finding.qod) == ("CG-CVE-2021-30047", 7.5, 30)
    assert "220 (vsFTPd 3.0.3)" in finding.detection and "Debian 12 (bookworm)" in finding.detection
    assert "backported" in finding.detection
    assert finding.solution.startswith("Update vsftpd to a version that is not affected")

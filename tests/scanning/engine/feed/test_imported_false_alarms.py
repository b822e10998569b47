"""Imported NVD entries that would be false alarms. Disputed CVEs are not imported (their version match would be a false alarm): NVD's `cveTags`
`disputed` (CVE-2023-51767, OpenSSH "row hammer", through 9.6) and the older "** DISPUTED **"
description (CVE-2016-20012); a later file that marks an imported CVE disputed removes it. An
upstream `SSH-2.0-OpenSSH_9.6` banner server then shows only the undisputed imported CVE. A range
naming every version (`openssh:*`, no bounds) is no version match."""

import pytest

from scanning.engine.feed.importer import import_file
from scanning.engine.feed.store import FeedDatabase

from .banner_servers import banner_server_scan, check
from .documents import nvd_cve, nvd_document, write

OPENSSH = "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*"


def row_hammer(tagged=True):
    item = nvd_cve("CVE-2023-51767", [{"criteria": OPENSSH, "versionEndIncluding": "9.6"}],
                   vector="CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", score=7.0,
                   summary="OpenSSH through 9.6, when common types of DRAM memory are used, might allow row hammer attacks.")
    if tagged:
        item["cve"]["cveTags"] = [{"sourceIdentifier": "cve@mitre.org", "tags": ["disputed"]}]
    return item


ENUMERATION = nvd_cve("CVE-2016-20012", [{"criteria": OPENSSH, "versionEndIncluding": "8.7"}], vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
                      score=5.3, summary="** DISPUTED ** OpenSSH through 8.7 allows remote attackers ... NOTE: the vendor does not recognize it.")
UNDISPUTED = nvd_cve("CVE-2099-0096", [{"criteria": OPENSSH, "versionStartIncluding": "9.0", "versionEndExcluding": "9.7"}],
                     summary="An undisputed flaw in sshd.")


def imported(port, database):
    """(CVE, QoD) of the findings besides the curated regreSSHion match every 9.6 has."""
    return [(f.cves[0], f.qod) for f in check("CG-9000", port, str(database)) if f.cves != ("CVE-2024-6387",)]


@pytest.fixture(scope="module")
def ssh_96():
    return banner_server_scan(b"SSH-2.0-OpenSSH_9.6\r\n")


def test_disputed_cves_are_not_imported(tmp_path, ssh_96):
    database = tmp_path / "feed.sqlite3"
    import_file(database, write(tmp_path / "nvd.json", nvd_document([row_hammer(), ENUMERATION, UNDISPUTED])))
    assert {r.id for r in FeedDatabase(database).records_for([("openbsd", "openssh")])} == {"CVE-2099-0096"}
    assert imported(ssh_96, database) == [("CVE-2099-0096", 80)]


def test_a_cve_disputed_later_is_removed(tmp_path, ssh_96):
    database = tmp_path / "feed.sqlite3"
    import_file(database, write(tmp_path / "first.json", nvd_document([row_hammer(tagged=False)])))
    assert imported(ssh_96, database) == [("CVE-2023-51767", 80)]
    import_file(database, write(tmp_path / "modified.json", nvd_document([row_hammer()])))
    assert imported(ssh_96, database) == []


def test_a_range_naming_every_version_is_no_version_match(tmp_path, ssh_96):
    database = tmp_path / "feed.sqlite3"
    import_file(database, write(tmp_path / "nvd.json", nvd_document([
        nvd_cve("CVE-2099-0097", [{"criteria": OPENSSH}]),
        nvd_cve("CVE-2099-0098", [{"criteria": OPENSSH, "versionEndExcluding": "9.9"}]),
    ])))
    assert imported(ssh_96, database) == [("CVE-2099-0098", 80)]

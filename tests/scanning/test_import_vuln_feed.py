"""manage.py import_vuln_feed: NVD CVE JSON 2.0, the CISA KEV catalogue and the Debian security
tracker, plain or gzip, told apart by content; idempotent; progress on stderr; a bad file is a
clear error and a non-zero exit, with nothing of it imported."""

import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from scanning.engine.feed.store import FeedDatabase
from tests.scanning.engine.feed.documents import debian_document, kev_document, nvd_cve, nvd_document, write

APACHE = "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"
REPO = Path(__file__).resolve().parents[2]


def nvd_items():
    return [
        nvd_cve("CVE-2099-1000", [{"criteria": APACHE, "versionStartIncluding": "2.4.0", "versionEndExcluding": "2.4.51"}],
                platform="cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*"),
        nvd_cve("CVE-2099-1001", [{"criteria": "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"},
                                  {"criteria": APACHE, "vulnerable": False}], kev=True),
        nvd_cve("CVE-2099-1002", [{"criteria": APACHE}], status="Rejected"),
        nvd_cve("CVE-2099-1003", [{"criteria": "cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*"}], vector=""),
    ]


def dump(database):
    with sqlite3.connect(database) as connection:
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall())
                for table in ("cve", "cpe_range", "kev", "debian")}


def import_(*paths, database):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_vuln_feed", *map(str, paths), database=str(database), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    return {
        "nvd": write(tmp_path / "nvdcve-2.0-2099.json", nvd_document(nvd_items())),
        "kev": write(tmp_path / "known_exploited_vulnerabilities.json", kev_document(["CVE-2099-1000"])),
        "debian": write(tmp_path / "tracker.json.gz", debian_document({
            ("apache2", "CVE-2099-1000"): {"bookworm": ("resolved", "2.4.51-1~deb12u1"), "bullseye": ("open", "")},
            ("openssh", "TEMP-0000000-ABCDEF"): {"bookworm": ("open", "")},
        }), compressed=True),
    }


def test_imports_the_three_formats(files, tmp_path):
    database = tmp_path / "deep" / "folder" / "feed.sqlite3"  # parent folders are created
    out, err = import_(files["nvd"], files["kev"], files["debian"], database=database)
    assert "imported 4 nvd records" in out and "imported 1 kev records" in out and "imported 2 debian records" in out
    tables = dump(database)
    assert [row[0] for row in tables["cve"]] == ["CVE-2099-1000", "CVE-2099-1001", "CVE-2099-1003"]  # rejected: gone
    assert tables["cve"][0][1] == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # NVD's Primary vector
    assert tables["cve"][0][3] == "A flaw. More text." and tables["cve"][1][4] == 1  # English summary, cisaExploitAdd
    assert tables["cpe_range"] == [
        ("CVE-2099-1000", "apache", "http_server", "", "2.4.0", "", "", "2.4.51"),  # not the debian platform
        ("CVE-2099-1001", "apache", "http_server", "2.4.49", "", "", "", ""),  # not the vulnerable: false entry
        ("CVE-2099-1003", "openbsd", "openssh", "8.5p1", "", "", "", ""),
    ]
    assert [row[0] for row in tables["kev"]] == ["CVE-2099-1000"]
    assert tables["debian"] == [("CVE-2099-1000", "apache2", "bookworm", "resolved", "2.4.51-1~deb12u1", "not yet assigned"),
                                ("CVE-2099-1000", "apache2", "bullseye", "open", "", "unimportant")]
    records = {r.id: r for r in FeedDatabase(database).records_for([("apache", "http_server")])}
    assert set(records) == {"CVE-2099-1000", "CVE-2099-1001"}
    assert records["CVE-2099-1000"].known_exploited and records["CVE-2099-1001"].known_exploited
    assert "nvdcve-2.0-2099.json: 4 CVEs" in err and "/s)" in err and "nvd file" in err


def test_reimporting_changes_nothing(files, tmp_path):
    database = tmp_path / "feed.sqlite3"
    import_(files["nvd"], files["kev"], files["debian"], database=database)
    first = dump(database)
    import_(files["nvd"], files["kev"], files["debian"], database=database)
    assert dump(database) == first


def test_a_newer_file_replaces_a_cves_ranges(files, tmp_path):
    database = tmp_path / "feed.sqlite3"
    import_(files["nvd"], database=database)
    newer = nvd_cve("CVE-2099-1000", [{"criteria": APACHE, "versionEndExcluding": "2.4.52"}], summary="Updated.")
    import_(write(tmp_path / "modified.json.gz", nvd_document([newer]), compressed=True), database=database)
    tables = dump(database)
    assert [r for r in tables["cpe_range"] if r[0] == "CVE-2099-1000"] == [("CVE-2099-1000", "apache", "http_server", "", "", "", "", "2.4.52")]
    assert [r[3] for r in tables["cve"] if r[0] == "CVE-2099-1000"] == ["Updated."]


def test_default_database_is_the_setting(files, tmp_path, settings):
    settings.VULN_FEED_PATH = tmp_path / "var" / "vuln-feed.sqlite3"
    call_command("import_vuln_feed", str(files["kev"]), stdout=io.StringIO(), stderr=io.StringIO())
    assert dump(settings.VULN_FEED_PATH)["kev"][0][0] == "CVE-2099-1000"


@pytest.mark.parametrize("content, message", [
    (b'{"vulnerabilities": [{"cve": {"id": "CVE-1"', "broken nvd file"),
    (b"not json at all", "not valid JSON"),
    (b'{"hello": "world"}', "not an NVD CVE JSON 2.0 file"),
    (b'{"CVE_data_type": "CVE", "CVE_Items": []}', "NVD JSON 1.1"),
    (b"[1, 2, 3]", "not an NVD CVE JSON 2.0 file"),
    (b'{"vulnerabilities": [{"cveID": 5}]}', "broken kev file"),
])
def test_bad_files_are_refused(tmp_path, content, message):
    database = tmp_path / "feed.sqlite3"
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        import_(bad, database=database)
    assert not database.exists() or dump(database)["cve"] == []


def test_a_bad_file_stops_before_anything_is_imported(files, tmp_path):
    database = tmp_path / "feed.sqlite3"
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(CommandError, match="bad.json.gz"):
        import_(files["nvd"], bad, database=database)
    assert not database.exists()
    with pytest.raises(CommandError, match="cannot open"):
        import_(tmp_path / "missing.json", database=database)


def run_manage(*args):
    return subprocess.run([sys.executable, "manage.py", "import_vuln_feed", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": django_settings.SETTINGS_MODULE})


def test_exit_status_and_help(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    failed = run_manage(str(bad), "--database", str(tmp_path / "feed.sqlite3"))
    assert failed.returncode != 0 and "bad.json" in failed.stderr and "Traceback" not in failed.stderr
    shown = run_manage("--help")
    assert shown.returncode == 0 and "CISA Known Exploited Vulnerabilities" in " ".join(shown.stdout.split())

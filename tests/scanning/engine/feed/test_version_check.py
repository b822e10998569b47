"""The known_vulnerable_versions checks against announced banners: protocol-faithful servers on
127.0.0.x speaking as vsFTPd 2.3.4, Apache 2.4.49, Debian's and Ubuntu's OpenSSH, Debian's nginx
and an old Apache, detected by the engine's own service stage; then the check on each port."""

import asyncio
from types import SimpleNamespace

import pytest

from scanning.engine.checks import CATALOGUE
from scanning.engine.feed.importer import import_file

from ..servers import banner, http
from .banner_servers import scan
from .documents import debian_document, kev_document, nvd_cve, nvd_document, write

APACHE_2449 = {"CVE-2021-41773", "CVE-2021-42013", "CVE-2021-41524", "CVE-2021-44790", "CVE-2022-22720",
               "CVE-2022-23943", "CVE-2022-31813", "CVE-2023-25690", "CVE-2024-38476"}
SERVERS = {
    "vsftpd": banner(b"220 (vsFTPd 2.3.4)\r\n"),
    "apache": http(server=b"Apache/2.4.49 (Unix)"),
    "ssh_debian": banner(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"),
    "ssh_ubuntu": banner(b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10\r\n"),
    "ssh_upstream": banner(b"SSH-2.0-OpenSSH_9.3\r\n"),
    "nginx_debian": http(server=b"nginx/1.22.1"),
    "apache_22": http(server=b"Apache/2.2.34 (Unix) PHP/7.2.3"),
    "apache_22_debian": http(server=b"Apache/2.2.22 (Debian)"),
}


@pytest.fixture(scope="module")
def ports():
    return scan(SERVERS)


def check(nvt, port, feed_path=""):
    instance = CATALOGUE[nvt]()
    assert instance.applies(None, port)
    return asyncio.run(instance.run(SimpleNamespace(feed_path=feed_path), None, port))


def by_cve(findings):
    return {f.cves[0]: f for f in findings}


def test_vsftpd_234_backdoor(ports):
    [finding] = check("CG-9000", ports["vsftpd"])
    assert finding.nvt == "CG-CVE-2011-2523" and finding.cves == ("CVE-2011-2523",)
    assert (finding.severity, finding.qod, finding.family, finding.solution_type) == (9.8, 80, "known_vulnerable_versions", "VendorFix")
    assert finding.name == "vsftpd 2.3.4: Backdoor in the vsftpd 2.3.4 source archive (CVE-2011-2523)"
    assert "220 (vsFTPd 2.3.4)" in finding.detection and "affected range (2.3.4)" in finding.detection
    assert finding.solution == "Update vsftpd to 2.3.5 or later."
    assert finding.references[0] == "https://nvd.nist.gov/vuln/detail/CVE-2011-2523"
    assert finding.port == ports["vsftpd"].port and finding.source == "version_match"


def test_apache_2449(ports):
    findings = by_cve(check("CG-9000", ports["apache"]))
    assert set(findings) == APACHE_2449
    assert {f.qod for f in findings.values()} == {80}
    traversal = findings["CVE-2021-41773"]
    assert traversal.nvt == "CG-CVE-2021-41773" and traversal.severity == 7.5
    assert traversal.name.startswith("Apache httpd 2.4.49: Path traversal")
    assert "Apache/2.4.49 (Unix)" in traversal.detection
    assert "known exploited" in traversal.insight and "known exploited" in traversal.summary
    assert "https://www.cisa.gov/known-exploited-vulnerabilities-catalog" in traversal.references
    assert findings["CVE-2021-42013"].severity == 9.8
    assert "known exploited" not in findings["CVE-2022-22720"].insight
    assert findings["CVE-2022-22720"].solution == "Update Apache httpd to 2.4.53 or later."


def test_debian_openssh_is_a_low_qod_version_only_match(ports):
    [finding] = check("CG-9000", ports["ssh_debian"])
    assert finding.nvt == "CG-CVE-2024-6387" and finding.qod == 30 and finding.severity == 8.1
    assert "Debian-2+deb12u3" in finding.detection and "backported" in finding.detection
    assert ">= 8.5p1, < 9.8p1" in finding.detection


def test_ubuntu_openssh_is_a_low_qod_version_only_match(ports):
    [finding] = check("CG-9000", ports["ssh_ubuntu"])
    assert finding.nvt == "CG-CVE-2024-6387" and finding.qod == 30 and "Ubuntu" in finding.detection


def test_upstream_openssh(ports):
    assert {(f.nvt, f.qod) for f in check("CG-9000", ports["ssh_upstream"])} == {("CG-CVE-2024-6387", 80)}


def test_debian_nginx_without_curated_cves(ports):
    assert check("CG-9000", ports["nginx_debian"]) == []
    assert all(check(nvt, ports["nginx_debian"]) == [] for nvt in CATALOGUE if nvt.startswith("CG-900") and nvt != "CG-9000")


def tracker(tmp_path, fixed):
    database = tmp_path / "feed.sqlite3"
    document = debian_document({("openssh", "CVE-2024-6387"): {"bookworm": ("resolved", fixed), "bullseye": ("resolved", "0")},
                                ("openssh-other", "CVE-2024-6387"): {"bookworm": ("open", "")}})
    import_file(database, write(tmp_path / "debian.json", document))
    return str(database)


def test_debian_tracker_fixed_in_the_banners_revision(ports, tmp_path):
    assert check("CG-9000", ports["ssh_debian"], tracker(tmp_path, "1:9.2p1-2+deb12u3")) == []


def test_debian_tracker_fixed_later(ports, tmp_path):
    [finding] = check("CG-9000", ports["ssh_debian"], tracker(tmp_path, "1:9.2p1-2+deb12u4"))
    assert finding.qod == 97
    assert "9.2p1-2+deb12u3" in finding.detection and "1:9.2p1-2+deb12u4" in finding.detection


def test_debian_tracker_silent_on_the_cve(ports, tmp_path):
    database = tmp_path / "feed.sqlite3"
    import_file(database, write(tmp_path / "debian.json", debian_document({("openssh", "CVE-2000-0001"): {"bookworm": ("resolved", "1:1.0-1")}})))
    assert [f.qod for f in check("CG-9000", ports["ssh_debian"], str(database))] == [30]


def test_imported_nvd_and_kev(ports, tmp_path):
    database = tmp_path / "feed.sqlite3"
    ranges = [{"criteria": "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", "versionStartIncluding": "9.0", "versionEndExcluding": "9.3p2"}]
    import_file(database, write(tmp_path / "nvd.json", nvd_document([
        nvd_cve("CVE-2099-0001", ranges, summary="Imported flaw in sshd. Details follow."),
        nvd_cve("CVE-2099-0002", [{"criteria": "cpe:2.3:a:openbsd:openssh:9.4:p1:*:*:*:*:*:*"}]),
    ])))
    [finding] = [f for f in check("CG-9000", ports["ssh_upstream"], str(database)) if f.cves == ("CVE-2099-0001",)]
    assert finding.name == "OpenSSH 9.3: Imported flaw in sshd (CVE-2099-0001)"
    assert finding.solution == "Update OpenSSH to 9.3p2 or later." and finding.qod == 80 and finding.severity == 9.8
    assert "known exploited" not in finding.insight
    import_file(database, write(tmp_path / "kev.json", kev_document(["CVE-2099-0001"])))
    [finding] = [f for f in check("CG-9000", ports["ssh_upstream"], str(database)) if f.cves == ("CVE-2099-0001",)]
    assert "known exploited" in finding.insight


def test_end_of_life_apache_22_and_php(ports):
    [apache] = check("CG-9001", ports["apache_22"])
    assert apache.nvt == "CG-9001" and apache.pci_fail and apache.severity == 10.0 and apache.qod == 80
    assert apache.name == "Apache httpd 2.2.34: unsupported version (end of life)"
    assert "Apache/2.2.34 (Unix)" in apache.detection
    [php] = check("CG-9002", ports["apache_22"])
    assert php.name == "PHP 7.2.3: unsupported version (end of life)" and php.pci_fail
    assert {f.cves[0] for f in check("CG-9000", ports["apache_22"])} == {"CVE-2019-11043"}  # PHP from the Server header


def test_end_of_life_on_a_distribution_build(ports):
    [finding] = check("CG-9001", ports["apache_22_debian"])
    assert finding.qod == 30 and "Debian" in finding.detection


def test_catalogue_ids():
    eol = sorted(nvt for nvt in CATALOGUE if nvt.startswith("CG-900") and nvt != "CG-9000")
    assert eol == [f"CG-{9001 + i}" for i in range(len(eol))] and len(eol) >= 8
    assert all(CATALOGUE[nvt].family == "known_vulnerable_versions" and CATALOGUE[nvt].pci_fail for nvt in eol)


def test_nmap_style_results():
    """nmap -sV writes the Debian revision into the version and "(Debian)" into extrainfo."""
    from scanning.engine.types import PortResult

    ssh = PortResult(22, "tcp", service="ssh", product="OpenSSH", version="9.2p1 Debian 2+deb12u3",
                     cpe="cpe:/a:openbsd:openssh:9.2p1", extra={"nmap": {"extrainfo": "protocol 2.0"}})
    assert [(f.nvt, f.qod) for f in check("CG-9000", ssh)] == [("CG-CVE-2024-6387", 30)]
    apache = PortResult(80, "tcp", service="http", product="Apache httpd", version="2.4.49",
                        cpe="cpe:/a:apache:http_server:2.4.49", extra={"nmap": {"extrainfo": "(Debian)"}})
    assert {f.qod for f in check("CG-9000", apache)} == {30}
    upstream = PortResult(80, "tcp", service="http", product="Apache httpd", version="2.4.49", cpe="cpe:/a:apache:http_server:2.4.49")
    assert set(by_cve(check("CG-9000", upstream))) == APACHE_2449


def test_a_malformed_vector_falls_back_to_nvds_score(ports, tmp_path):
    database = tmp_path / "feed.sqlite3"
    import_file(database, write(tmp_path / "nvd.json", nvd_document([nvd_cve(
        "CVE-2099-0003", [{"criteria": "cpe:2.3:a:openbsd:openssh:9.3:*:*:*:*:*:*:*"}], vector="CVSS:3.1/AV:X/garbage", score=6.1)])))
    [finding] = [f for f in check("CG-9000", ports["ssh_upstream"], str(database)) if f.cves == ("CVE-2099-0003",)]
    assert finding.severity == 6.1


def test_nmaps_mariadb_is_not_an_old_mysql():
    from scanning.engine.types import PortResult

    port = PortResult(3306, "tcp", service="mysql", product="MySQL", version="5.5.5-10.11.6-MariaDB", cpe="cpe:/a:mysql:mysql:5.5.5-10.11.6-mariadb")
    assert check("CG-9004", port) == []
    old = PortResult(3306, "tcp", service="mysql", product="MySQL", version="5.7.44", cpe="cpe:/a:mysql:mysql:5.7.44", banner="5.7.44")
    [finding] = check("CG-9004", old)
    assert finding.name == "MySQL 5.7.44: unsupported version (end of life)" and finding.qod == 80


@pytest.mark.parametrize("version", ["2.0.8 or later", "2.3.4 - 2.3.5", "2.3.X"])
def test_nmap_guesses_are_not_versions(version):
    from scanning.engine.types import PortResult

    port = PortResult(21, "tcp", service="ftp", product="vsftpd", version=version, cpe="cpe:/a:vsftpd:vsftpd")
    assert check("CG-9000", port) == []

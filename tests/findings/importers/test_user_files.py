"""Reports as users really upload them: Greenbone CSVs re-saved by spreadsheets (other encodings,
`;` or tab delimiters, Excel's `sep=` line), compressed files, XML in an undeclared encoding,
markup inside a result's text, ports that are not numbers (docs/imports.md, "Files as users send
them")."""

import bz2
import codecs
import csv
import gzip
import io
import lzma
import zipfile

import pytest

from findings.importers import ReportError, read_report
from findings.models import Finding
from scanning.models import RunHost, ScanRun
from tests.api_mixins import assert_error
from tests.scanning.factories import ScanRunFactory

from .test_import_api import DATA, scan, upload  # noqa: F401  (scan is a fixture)

TEXT = (DATA / "gvm22.csv").read_text(encoding="utf-8")
ROWS = list(csv.reader(io.StringIO(TEXT)))
FIELDS = ("nvt", "name", "port", "protocol", "severity", "qod", "cves", "detection", "summary", "solution")


def written(path, body: bytes):
    path.write_bytes(body)
    return path


def seen(path, fmt):
    return {h.ip: (h.hostname, sorted(tuple(getattr(f, n) for n in FIELDS) for f in h.findings))
            for h in read_report(path, fmt)}


def delimited(delimiter, sep_line=False, newline="\r\n", decimal="."):
    out = io.StringIO()
    rows = ROWS if decimal == "." else [row[:4] + [row[4].replace(".", decimal)] + row[5:] for row in ROWS]
    if sep_line:
        out.write(f"sep={delimiter}{newline}")
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


EXPECTED = seen(DATA / "gvm22.csv", "gvm_csv")


@pytest.mark.parametrize("body", [
    codecs.BOM_UTF8 + TEXT.encode(),
    TEXT.encode("cp1252"),  # Excel on Windows re-saves a CSV in the ANSI code page
    delimited(",").encode("cp1252"),  # CRLF line ends (cells keep their own line breaks)
    TEXT.encode("utf-16"),  # with its byte-order mark
    delimited("\t").encode("utf-16"),  # Excel's "Unicode text"
    delimited(";", decimal=",").encode("cp1252"),  # Excel in European locales: 9,8
    delimited(";", sep_line=True).encode(),
    delimited(",", sep_line=True, newline="\n").encode(),
], ids=["utf8-bom", "cp1252", "cp1252-crlf", "utf16", "utf16-tabs", "semicolons-cp1252", "sep-line-semicolons", "sep-line-commas"])
def test_a_greenbone_csv_resaved_by_a_spreadsheet_reads_the_same(tmp_path, body):
    assert seen(written(tmp_path / "r.csv", body), "gvm_csv") == EXPECTED
    assert EXPECTED["192.0.2.10"][0] == "wébserver.example.test"


def test_the_sample_has_decimal_scores_in_the_cvss_column():
    assert ROWS[0][4] == "CVSS" and "9.8" in [row[4] for row in ROWS]


def test_a_utf8_csv_with_a_stray_byte_keeps_its_other_texts(tmp_path):
    body = TEXT.encode().replace(b"Checks the service.", b"Checks the servic\xe9.", 1)
    hosts = seen(written(tmp_path / "r.csv", body), "gvm_csv")
    assert hosts["192.0.2.10"][0] == "wébserver.example.test"  # not read as Windows-1252 ("wÃ©bserver")


def test_a_csv_in_no_known_encoding_is_refused_naming_it(tmp_path):
    body = TEXT.encode("cp1252").replace(b"\xe9", b"\x81")  # 0x81: not UTF-8, undefined in cp1252
    with pytest.raises(ReportError, match="neither UTF-8 nor Windows-1252"):
        read_report(written(tmp_path / "r.csv", body), "gvm_csv")


PACKERS = {
    "gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress,
    "zip": lambda data: zip_of(data),
}


def zip_of(data):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("report", data)
    return out.getvalue()


@pytest.mark.parametrize("packer", PACKERS)
@pytest.mark.parametrize("name,fmt", [("nmap7.xml", "nmap_xml"), ("gvm22.xml", "gvm_xml"), ("gvm22.csv", "gvm_csv"),
                                      ("nessus_v2.nessus", "nessus")])
def test_a_compressed_report_is_refused_saying_so(tmp_path, packer, name, fmt):
    body = PACKERS[packer]((DATA / name).read_bytes())
    with pytest.raises(ReportError, match=f"{packer}-compressed.*decompress it"):
        read_report(written(tmp_path / "r", body), fmt)


@pytest.mark.parametrize("body,what", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
    (b"\n<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>Nessus Report</title>", "an HTML page"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><body><table></table></body></html>', "an HTML page"),
], ids=["pdf", "html5", "xhtml"])
def test_a_report_for_reading_is_refused_saying_so(tmp_path, body, what):
    with pytest.raises(ReportError, match=what):
        read_report(written(tmp_path / "r", body), "nessus")


@pytest.mark.parametrize("name,fmt", [("nmap7.xml", "nmap_xml"), ("nessus_v2.nessus", "nessus")])
def test_xml_in_an_undeclared_encoding_is_refused_saying_so(tmp_path, name, fmt):
    body = (DATA / name).read_text(encoding="utf-8").encode("latin-1")  # declares UTF-8 or nothing
    with pytest.raises(ReportError, match=r"not UTF-8 .*line \d+.*declaration"):
        read_report(written(tmp_path / "r.xml", body), fmt)


def test_xml_that_declares_its_encoding_is_read(tmp_path):
    body = (DATA / "gvm22.xml").read_text(encoding="utf-8")
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + body
    assert seen(written(tmp_path / "r.xml", latin.encode("latin-1")), "gvm_xml") == seen(DATA / "gvm22.xml", "gvm_xml")


def test_an_interrupted_nmap_scan_is_refused_as_unfinished(tmp_path):
    body = (DATA / "nmap7.xml").read_text(encoding="utf-8")
    body = body[: body.index("</host>") + len("</host>")] + "\n"  # nmap stopped by ^C: no <runstats>, no </nmaprun>
    with pytest.raises(ReportError, match=r"truncated: it ends \(line \d+\) before its <nmaprun> element is closed "
                                          r"\(an nmap scan that was interrupted"):
        read_report(written(tmp_path / "r.xml", body.encode()), "nmap_xml")


@pytest.mark.parametrize("cut", [-20, -3], ids=["mid-tag", "mid-closing-tag"])
def test_a_report_cut_inside_a_tag_says_truncated(tmp_path, cut):
    body = (DATA / "nessus_v2.nessus").read_bytes()[:cut]
    with pytest.raises(ReportError, match="truncated: it ends .* before its <NessusClientData_v2> element is closed$"):
        read_report(written(tmp_path / "r.nessus", body), "nessus")


def test_an_ip_protocol_scan_lists_protocols_not_ports(tmp_path):
    body = ('<nmaprun><host><address addr="192.0.2.4" addrtype="ipv4"/><ports>'
            '<port protocol="ip" portid="1"><state state="open"/><service name="icmp"/></port>'
            '<port protocol="ip" portid="6"><state state="open"/><service name="tcp"/></port>'
            '<port protocol="tcp" portid="22"><state state="open"/><service name="ssh"/></port>'
            '<port protocol="sctp" portid="38412"><state state="open"/></port></ports></host></nmaprun>')
    [host] = read_report(written(tmp_path / "r.xml", body.encode()), "nmap_xml")  # nmap -sO -sS -sY
    assert [(p.port, p.protocol) for p in host.ports] == [(38412, "sctp"), (22, "tcp")]


NESSUS = ('<?xml version="1.0" ?>\n<NessusClientData_v2><Report name="r"><ReportHost name="192.0.2.9"><HostProperties>'
          '<tag name="host-ip">192.0.2.9</tag></HostProperties>{item}</ReportHost></Report></NessusClientData_v2>')


def test_markup_inside_a_text_is_kept_whole(tmp_path):
    item = ('<ReportItem port="443" svc_name="www" protocol="tcp" severity="3" pluginID="2" pluginName="y" pluginFamily="f">'
            '<plugin_output>before <b>bold</b> after &lt;script&gt; <![CDATA[<cdata>]]></plugin_output></ReportItem>')
    [host] = read_report(written(tmp_path / "r.nessus", NESSUS.format(item=item).encode()), "nessus")
    assert host.findings[0].detection == "before bold after <script> <cdata>"


def test_a_nessus_v2_host_named_without_host_ip_takes_the_address_nessus_resolved(tmp_path):
    resolved = ('<ReportItem port="0" svc_name="general" protocol="tcp" severity="0" pluginID="12053" pluginName="FQDN">'
                '<plugin_output>\n192.0.2.10 resolves as web.example.test.\n</plugin_output></ReportItem>'
                '<ReportItem port="80" svc_name="www" protocol="tcp" severity="2" pluginID="5" pluginName="w"/>')
    body = NESSUS.format(item=resolved).replace('<tag name="host-ip">192.0.2.9</tag>', "").replace("192.0.2.9", "web.example.test")
    [host] = read_report(written(tmp_path / "r.nessus", body.encode()), "nessus")
    assert (host.ip, host.hostname, [f.nvt for f in host.findings]) == ("192.0.2.10", "web.example.test", ["nessus:12053", "nessus:5"])
    unresolved = body.replace("12053", "19506")
    with pytest.raises(ReportError, match="'web.example.test' is not an IP address"):
        read_report(written(tmp_path / "r.nessus", unresolved.encode()), "nessus")


@pytest.mark.parametrize("fmt,body", [
    ("nessus", NESSUS.format(item='<ReportItem port="abc" protocol="tcp" severity="1" pluginID="4" pluginName="z"/>')),
    ("nmap_xml", '<nmaprun><host><address addr="192.0.2.4" addrtype="ipv4"/><ports><port protocol="tcp" portid="x">'
                 '<state state="open"/></port></ports></host></nmaprun>'),
], ids=["nessus", "nmap"])
def test_a_port_that_is_not_a_number_is_refused_naming_it(tmp_path, fmt, body):
    with pytest.raises(ReportError, match=r"port .*'(abc|x)'.* not a port number"):
        read_report(written(tmp_path / "r.xml", body.encode()), fmt)


@pytest.mark.parametrize("name,fmt,message", [
    ("nessus_v2.nessus", "gvm_csv", "not a Greenbone CSV file: it is XML"),
    ("gvm22.csv", "nessus", "not a Nessus file: it is not XML"),
    ("gvm22.csv", "nmap_xml", "not a nmap XML file: it is not XML"),
    ("nessus_v2.nessus", "nmap_xml", r"its root element is <NessusClientData_v2> \(send it with format nessus\)$"),
    ("nessus_v1.nessus", "gvm_xml", r"its root element is <NessusClientData> \(send it with format nessus\)$"),
    ("nmap7.xml", "nessus", r"its root element is <nmaprun> \(send it with format nmap_xml\)$"),
    ("gvm22.xml", "nmap_xml", r"its root element is <report> \(send it with format gvm_xml\)$"),
])
def test_a_file_of_the_other_kind_is_refused_saying_so(tmp_path, name, fmt, message):
    with pytest.raises(ReportError, match=message):
        read_report(written(tmp_path / "r", (DATA / name).read_bytes()), fmt)


@pytest.mark.usefixtures("subscribed")
def test_an_import_into_a_scan_with_a_run_in_progress_is_a_409(api, world, scan):  # noqa: F811
    ScanRunFactory(scan=scan, status="running")
    response = upload(api.as_user(world.user), scan, "nessus_v2.nessus", "nessus")
    assert_error(response, 409)
    assert ScanRun.objects.filter(scan=scan).count() == 1 and not Finding.objects.exists()


@pytest.mark.usefixtures("subscribed")
def test_a_report_sent_as_a_form_value_is_a_422_saying_how_to_send_it(api, world, scan):  # noqa: F811
    client = api.as_user(world.user)
    text = (DATA / "nessus_v2.nessus").read_text(encoding="utf-8")  # curl -F "file=<report.nessus"
    response = client.client.post(f"/v2/scans/{scan.pk}/import", {"file": text, "format": "nessus"}, **client.headers)
    assert assert_error(response, 422, "file")["errors"]["file"] == [
        "must be sent as a file, not as a form value (curl -F file=@report.xml)"]
    assert not ScanRun.objects.filter(scan=scan).exists()


@pytest.mark.usefixtures("subscribed")
def test_through_the_api_a_latin1_csv_is_stored_right_and_a_gzip_is_refused(api, world, scan):  # noqa: F811
    client = api.as_user(world.user)
    response = upload(client, scan, "r.csv.gz", "gvm_csv", gzip.compress(TEXT.encode()))
    assert "gzip-compressed" in assert_error(response, 422, "file")["errors"]["file"][0]
    assert not ScanRun.objects.filter(scan=scan).exists() and not Finding.objects.exists()
    response = upload(client, scan, "r.csv", "gvm_csv", delimited(";").encode("cp1252"))
    assert response.status_code == 201, response.content[:300]
    assert RunHost.objects.get(ip="192.0.2.10").hostname == "wébserver.example.test"
    assert Finding.objects.count() == sum(len(findings) for _name, findings in EXPECTED.values())


def test_the_limits_are_the_storage_columns():
    from findings.importers import records
    from findings.models import CheckInfo, Host, Result
    from findings.models import Finding as StoredFinding

    def shortest(models, name):
        return min(m._meta.get_field(name).max_length for m in models if any(f.name == name for f in m._meta.get_fields()))

    findings, hosts = (CheckInfo, StoredFinding, Result), (RunHost, Host)
    assert records.NVT_MAX == shortest(findings, "nvt") and shortest(findings, "protocol") == 8
    assert all(limit == shortest(findings, name) for name, limit in records.FINDING_TEXT_MAX.items())
    assert all(limit == shortest(hosts, name) for name, limit in records.HOST_TEXT_MAX.items())
    assert max(map(len, records.SOLUTION_TYPES)) <= shortest(findings, "solution_type")


LONG = "x" * 600
OSCLASSES = "".join(f'<osclass type="general purpose" vendor="Vendor{n} {LONG[:20]}" osfamily="Family{n}" osgen="{n}.X" accuracy="90"/>'
                    for n in range(12))


def test_long_texts_are_cut_to_what_the_storage_takes(tmp_path):
    item = f'<ReportItem port="80" svc_name="www" protocol="tcp" severity="2" pluginID="7" pluginName="{LONG}" pluginFamily="{LONG}"/>'
    [host] = read_report(written(tmp_path / "r.nessus", NESSUS.format(item=item).encode()), "nessus")
    assert (len(host.findings[0].name), len(host.findings[0].family)) == (512, 64)
    nmap = (f'<nmaprun><host><address addr="192.0.2.4" addrtype="ipv4"/><hostnames><hostname name="{LONG[:300]}"/></hostnames>'
            f'<os>{OSCLASSES}</os></host></nmaprun>')
    [host] = read_report(written(tmp_path / "r.xml", nmap.encode()), "nmap_xml")
    assert (len(host.os), len(host.hostname)) == (255, 255) and host.os.startswith("Vendor0 ")


@pytest.mark.usefixtures("subscribed")
@pytest.mark.parametrize("item,message", [
    ('<ReportItem port="80" protocol="transmission" severity="2" pluginID="5" pluginName="w"/>', "'transmission', is not one"),
    (f'<ReportItem port="80" protocol="tcp" severity="2" pluginID="{"9" * 300}" pluginName="w"/>', "longer than 128 characters"),
], ids=["protocol", "check-id"])
def test_an_identifier_the_storage_cannot_take_is_a_422_and_nothing_is_stored(api, world, scan, item, message):  # noqa: F811
    body = NESSUS.format(item=item).replace("192.0.2.9", "192.0.2.10")
    response = upload(api.as_user(world.user), scan, "r.nessus", "nessus", body.encode())
    assert message in assert_error(response, 422, "file")["errors"]["file"][0]  # was 201, the run interrupted by the database
    assert not ScanRun.objects.filter(scan=scan).exists() and not Finding.objects.exists()


@pytest.mark.usefixtures("subscribed")
@pytest.mark.parametrize("body,status", [
    (gzip.compress((DATA / "nessus_v2.nessus").read_bytes()) * 40, 422),  # over the limit below: would be queued
    ((DATA / "nessus_v2.nessus").read_bytes(), 409),
], ids=["compressed", "run-in-progress"])
def test_a_large_upload_refused_at_once_leaves_no_spooled_file(api, world, scan, settings, tmp_path, body, status):  # noqa: F811
    settings.IMPORT_SYNC_MAX_BYTES = 1000
    settings.IMPORT_SPOOL_DIR = tmp_path
    if status == 409:
        ScanRunFactory(scan=scan, status="running")
    response = upload(api.as_user(world.user), scan, "r.nessus", "nessus", body)
    assert_error(response, status)
    if status == 422:
        assert "gzip-compressed" in response.json()["errors"]["file"][0]  # at once, not a queued run interrupted later
    assert list(tmp_path.iterdir()) == []  # was left behind, up to API_MAX_UPLOAD_BYTES a refusal
    assert ScanRun.objects.filter(scan=scan).count() == (1 if status == 409 else 0)

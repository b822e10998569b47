"""Shared by the real-file tests (test_real_reports.py, test_real_dialects.py): uploading a file
from data/real/ through POST /v2/scans/{id}/import, reading what was stored, and each format's
independent reader of the file itself (ElementTree / csv, following docs/imports.md's rules)."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from findings.choices import severity_level
from scanning.models import ScanRun
from tests.scanning.factories import ScanFactory, TargetFactory

REAL = Path(__file__).parent / "data" / "real"
LEVEL_SCORES = {"critical": 10.0, "high": 7.5, "medium": 5.0, "low": 2.0, "log": 0.0, "info": 0.0, "none": 0.0}
NESSUS_LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}


def scan_for(world, hosts):
    return ScanFactory(organization=world.customer, target=TargetFactory(organization=world.customer, hosts=hosts))


def upload(client, scan, name, fmt):
    file = io.BytesIO((REAL / name).read_bytes())
    file.name = name
    return client.client.post(f"/v2/scans/{scan.pk}/import", {"file": file, "format": fmt}, **client.headers)


def imported(client, scan, name, fmt):
    response = upload(client, scan, name, fmt)
    assert response.status_code == 201, response.content[:500]
    run = ScanRun.objects.get(pk=response.json()["data"]["id"])
    assert run.status == "done", run.error
    return run


def findings_of(client, scan):
    """{(ip, nvt, "port/proto"): attributes} of the scan's current findings, through the API."""
    body = client.get(f"/v2/scans/{scan.pk}/vulnerabilities", {"per_page": 500}).json()
    return {(v["attributes"]["host"]["ip"], v["attributes"]["nvt"], v["attributes"]["port"]): v["attributes"] for v in body["data"]}


def port_text(port, protocol):
    return f"{port}/{protocol}" if port else f"general/{protocol}"


def collapse(items):
    """Items of the file -> one per (ip, nvt, port), the most severe kept (docs/imports.md)."""
    kept = {}
    for item in items:
        key = (item["ip"], item["nvt"], item["port"])
        if key not in kept or item["severity"] > kept[key]["severity"]:
            kept[key] = item
    return kept


def level_counts(items):
    counts = {"high": 0, "medium": 0, "low": 0, "log": 0}
    for item in items.values():
        if item["qod"] >= 70:
            counts[severity_level(item["severity"])] += 1
    return counts


def assert_same(client, scan, run, expected):
    """Every finding of the file is there, with its score, QoD and CVEs, and nothing else."""
    actual = findings_of(client, scan)
    assert set(actual) == set(expected)
    for key, item in expected.items():
        got = actual[key]
        assert (got["severity"], got["qod"], got["name"]) == (item["severity"], item["qod"], item["name"]), key
        assert sorted(got["cves"]) == sorted(item["cves"]), key
        if "references" in item:
            assert got["references"] == item["references"], key
    assert {k: run.severity_counts.get(k, 0) for k in ("high", "medium", "low", "log")} == level_counts(expected)


# --- Greenbone / OpenVAS XML ------------------------------------------------------------------------


PORT = re.compile(r"(\d+)/(tcp|udp)", re.I)


def gvm_port(text):
    found = PORT.search(text or "")
    if found and 0 < int(found.group(1)) < 65536:
        return port_text(int(found.group(1)), found.group(2).lower())
    return port_text(0, "udp" if (text or "").strip().lower().endswith("/udp") else "tcp")


def number(text):
    try:
        return float((text or "").strip())
    except ValueError:
        return None


def gvm_xml_items(name):
    items = []
    for result in ET.parse(REAL / name).getroot().iter("result"):
        nvt, host = result.find("nvt"), result.find("host")
        if nvt is None or host is None:  # <result> elements elsewhere (e.g. a task's summary) are not results
            continue
        severity = number(result.findtext("severity"))
        if severity is None:  # OpenVAS 4/5: no <severity>; the NVT's CVSS base score, else the threat word
            severity = number(nvt.findtext("cvss_base"))
        if severity is None:
            severity = LEVEL_SCORES[result.findtext("threat", "").strip().lower()]
        if severity < 0:
            severity = max(0.0, number(result.findtext("original_severity")) or 0.0)
        qod = number(result.findtext("qod/value"))
        cves = [ref.get("id") for ref in nvt.iter("ref") if ref.get("type", "").lower() == "cve"]
        cves += [c.strip() for c in (nvt.findtext("cve") or "").split(",") if c.strip() and c.strip() != "NOCVE"]
        items.append({"ip": host.text.strip(), "nvt": nvt.get("oid"), "port": gvm_port(result.findtext("port")),
                      "severity": min(severity, 10.0), "qod": int(qod) if qod is not None else 70,
                      "name": nvt.findtext("name") or result.findtext("name"), "cves": sorted(set(cves))})
    return collapse(items)


def own_cve(oid, cves):
    """Greenbone's CVE scanner names a result by its CVE, as its OID, with no CVE list (docs/imports.md)."""
    return cves or ([oid] if oid.startswith("CVE-") else [])


def gvm_csv_items(name):
    items = []
    with open(REAL / name, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            port = int(row["Port"]) if row["Port"] else 0
            items.append({"ip": row["IP"].strip(), "nvt": row["NVT OID"], "port": port_text(port, row["Port Protocol"] or "tcp"),
                          "severity": float(row["CVSS"]), "qod": int(row.get("QoD") or 70), "name": row["NVT Name"],
                          "cves": own_cve(row["NVT OID"], sorted(c for c in row.get("CVEs", "").split(",") if c))})
    return collapse(items)


def nmap_hosts(name):
    hosts = {}
    for host in ET.parse(REAL / name).getroot().iter("host"):
        ip = next(a.get("addr") for a in host.iter("address") if a.get("addrtype") in ("ipv4", "ipv6"))
        names = [h.get("name") for h in host.iter("hostname")]
        ports = {(int(p.get("portid")), p.get("protocol")) for p in host.iter("port") if p.find("state").get("state") == "open"}
        hosts[ip] = {"alive": host.find("status").get("state") == "up", "hostname": names[0] if names else "", "ports": ports}
    return hosts


def nessus_v2_items(name):
    root = ET.parse(REAL / name).getroot()
    items = []
    for host in root.iter("ReportHost"):
        tags = {t.get("name"): t.text for t in host.iter("tag")}
        for item in host.iter("ReportItem"):
            if item.get("pluginID") == "0":  # Nessus 4 lists open ports as plugin 0 items, not findings
                continue
            score = number(item.findtext("cvss3_base_score"))
            score = score if score is not None else number(item.findtext("cvss_base_score"))
            score = score if score is not None else LEVEL_SCORES.get((item.findtext("risk_factor") or "").lower())
            score = score if score is not None else LEVEL_SCORES[NESSUS_LEVELS[int(item.get("severity"))]]
            references = []
            for see_also in item.findall("see_also"):  # Nessus 4 repeats the element
                references += json.loads(see_also.text) if see_also.text.startswith("[") else see_also.text.split()
            items.append({"ip": tags["host-ip"], "nvt": f"nessus:{item.get('pluginID')}",
                          "port": port_text(int(item.get("port")), item.get("protocol").lower()), "severity": score, "qod": 70,
                          "name": item.get("pluginName"), "cves": sorted({c.text for c in item.iter("cve")}),
                          "references": [r for r in references if r.startswith("http")]})
    return collapse(items)


V1_CVSS = re.compile(r"CVSS Base Score\s*:\s*([\d.]+)")
V1_RISK = re.compile(r"Risk factor\s*:\s*(\w+)")


def nessus_v1_items(name, ip):
    items = []
    for item in ET.parse(REAL / name).getroot().iter("ReportItem"):
        if item.findtext("pluginID") == "0":  # an open port, not a finding
            continue
        data = (item.findtext("data") or "").replace("\\n", "\n")
        cvss, risk = V1_CVSS.search(data), V1_RISK.search(data)
        if cvss:
            score = float(cvss.group(1))
        elif risk:
            score = LEVEL_SCORES[risk.group(1).lower()]
        else:
            score = LEVEL_SCORES[NESSUS_LEVELS[int(item.findtext("severity"))]]
        found = re.search(r"\((\d+)/(\w+)\)", item.findtext("port"))
        port = port_text(int(found.group(1)), found.group(2)) if found else item.findtext("port")
        items.append({"ip": ip, "nvt": f"nessus:{item.findtext('pluginID')}", "port": port, "severity": score, "qod": 70,
                      "name": item.findtext("pluginName"), "cves": sorted(set(re.findall(r"CVE-\d{4}-\d{4,}", data)))})
    return collapse(items)


READERS = {"gvm_xml": gvm_xml_items, "gvm_csv": gvm_csv_items, "nessus": nessus_v2_items}


def imported_as_read(client, world, hosts, name, fmt):
    """Import the file into a new scan of `hosts` and compare what was stored with the file read
    independently; (scan, run, the file's items) for the test's own checks."""
    scan = scan_for(world, hosts)
    run = imported(client, scan, name, fmt)
    expected = READERS[fmt](name)
    assert_same(client, scan, run, expected)
    return scan, run, expected

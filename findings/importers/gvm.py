"""Greenbone reports: XML (GMP `get_reports`, OpenVAS 6 to Greenbone 24) and the CSV export of the
same results. Both give the same findings: NVT OID as nvt, name, family, the CVSS vector (v3 from
<severities> when present, else the v2 base vector), the result's own severity (it wins over its
`threat` word), QoD, CVEs, references, solution and its type, the result's description as the
evidence, and the host's name."""

import re

from scanning.engine.types import Finding

from .records import LEVEL_SCORES, FindingRecord, HostRecord, parse_port, split_list, to_float
from .xml import children, stream, text

TAG = re.compile(r"(?:^|\|)(\w+)=", re.M)
LOG_QOD_DEFAULT = 70


def parse_xml(path):
    wanted = {"result": "results", "host": "report"}
    for tag, element in stream(path, wanted, {"report", "get_reports_response"}, "Greenbone XML"):
        if tag == "result":
            record = result_record(element)
            if record is not None:
                yield record
        else:
            record = host_details(element)
            if record is not None:
                yield record


def tags(raw: str) -> dict:
    """`cvss_base_vector=AV:N/...|summary=...|insight=...` -> dict (values may contain newlines)."""
    found = {}
    marks = list(TAG.finditer(raw or ""))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(raw)
        found[mark.group(1)] = raw[mark.end():end].strip()
    return found


def result_record(result):
    host = result.find("host")
    nvt = result.find("nvt")
    if host is None or nvt is None:
        return None
    ip = (host.text or "").strip()
    if not ip:
        return None
    hostname = text(host, "hostname")
    meta = tags(text(nvt, "tags"))
    port, protocol = parse_port(text(result, "port"))
    severity = result_severity(result)
    solution = nvt.find("solution")
    finding = Finding(
        nvt=nvt.get("oid", "") or text(nvt, "oid"), name=text(nvt, "name") or text(result, "name"),
        family=text(nvt, "family"), port=port, protocol=protocol,
        cvss_vector=vector_of(nvt, meta), severity=severity, qod=qod_of(result),
        detection=text(result, "description"),
        summary=meta.get("summary", ""), insight=meta.get("insight", ""), affected=meta.get("affected", ""),
        impact=meta.get("impact", ""),
        solution=(solution.text or "").strip() if solution is not None and solution.text else meta.get("solution", ""),
        solution_type=(solution.get("type", "") if solution is not None else "") or meta.get("solution_type", ""),
        cves=cves_of(nvt), references=references_of(nvt), source="gvm",
    )
    if not finding.nvt:
        return None
    return FindingRecord(ip=ip, hostname=hostname, finding=finding)


def result_severity(result) -> float:
    """The result's score; without one (old dialects) its threat word's. Greenbone's own negative
    markers (-1 overridden as false positive there, -2 debug, -3 error) fall back to the original
    severity or 0.0: exceptions are this platform's to make."""
    severity = to_float(text(result, "severity"), None)
    if severity is None:
        severity = LEVEL_SCORES.get(text(result, "threat").lower(), 0.0)
    if severity < 0:
        severity = max(0.0, to_float(text(result, "original_severity"), 0.0))
    return min(10.0, severity)


def qod_of(result) -> int:
    qod = result.find("qod")
    value = to_float(text(qod, "value"), None) if qod is not None else None
    return int(value) if value is not None and 0 <= value <= 100 else LOG_QOD_DEFAULT


def vector_of(nvt, meta) -> str:
    for severity in nvt.iter("severity"):
        value = text(severity, "value")
        if value.startswith("CVSS:3") or value.startswith("CVSS:4"):
            return value
    base = meta.get("cvss_base_vector", "")
    return base if base and base.lower() != "none" else ""


def cves_of(nvt) -> tuple:
    refs = [r.get("id", "") for r in nvt.iter("ref") if r.get("type", "").lower() == "cve"]
    return tuple(dict.fromkeys([r for r in refs if r] + list(split_list(text(nvt, "cve")))))  # OpenVAS 6-8: <cve>


def references_of(nvt) -> tuple:
    refs = [r.get("id", "") for r in nvt.iter("ref") if r.get("type", "").lower() == "url"]
    xrefs = [x.removeprefix("URL:") for x in split_list(text(nvt, "xref"))]  # OpenVAS 6-8: "URL:https://..."
    return tuple(dict.fromkeys(r for r in refs + xrefs if r.startswith("http")))


def host_details(host):
    ip = text(host, "ip")
    if not ip:
        return None
    details = {text(d, "name"): text(d, "value") for d in children(host, "detail")}
    os_name = details.get("best_os_txt", "") or details.get("OS", "")
    return HostRecord(ip=ip, hostname=details.get("hostname", ""), os=os_name, mac=details.get("MAC", ""))


"""Greenbone reports: XML (GMP `get_reports`, OpenVAS 6 to Greenbone 24) and the CSV export of the
same results. Both give the same findings: NVT OID as nvt, name, family, the CVSS vector (v3 from
<severities> when present, else the v2 base vector), the result's own severity (it wins over its
`threat` word), QoD, CVEs, references, solution and its type, the result's description as the
evidence, and the host's name."""

import re

from scanning.engine.types import Finding

from .records import LEVEL_SCORES, FindingRecord, HostRecord, Shared, own_cve, parse_port, split_list, to_float
from .xml import children, elements_after, leaf_texts, stream, text

TAG = re.compile(r"(?:^|\|)(\w+)=", re.M)
LOG_QOD_DEFAULT = 70
SHARED = Shared()  # an NVT's texts, one object each (records.Shared)
TAGS = Shared()  # its tags, split once: raw text -> dict


def parse_xml(path, progress=None):
    wanted = {"result": "results", "host": "report"}
    for tag, element in stream(path, wanted, {"report", "get_reports_response"}, "Greenbone XML", progress):
        if tag == "result":
            record = result_record(element)
            if record is not None:
                yield record
        else:
            record = host_details(element)
            if record is not None:
                yield record


def tags(raw: str) -> dict:
    """`cvss_base_vector=AV:N/...|summary=...|insight=...` -> dict (values may contain newlines).
    An NVT's tags come again with each of its results: split once (the caller must not change
    the dict), so its texts are one object each too."""
    found = TAGS.get(raw)
    if found is None:
        TAGS.bound()
        parts = TAG.split(raw or "")  # [before the first tag, name, value, name, value, ...]
        found = TAGS[raw] = {name: value.strip() for name, value in zip(parts[1::2], parts[2::2], strict=True)}
    return found


def result_record(result):
    host = result.find("host")
    nvt = result.find("nvt")
    if host is None or nvt is None:
        return None
    ip = (host.text or "").strip()
    if not ip:
        return None
    fields, _ = leaf_texts(result)
    about, _ = leaf_texts(nvt)
    SHARED.bound()
    share = SHARED.setdefault
    meta = tags(about.get("tags", ""))
    port, protocol = parse_port(fields.get("port", ""))
    solution = nvt.find("solution")
    oid, name = nvt.get("oid", "") or about.get("oid", ""), about.get("name", "") or fields.get("name", "")
    cves, references = refs_of(nvt, about)
    cves = own_cve(oid, cves)
    family, vector = about.get("family", ""), vector_of(nvt, meta)
    fix = about.get("solution", "") if solution is not None and solution.text else meta.get("solution", "")
    finding = Finding(
        nvt=share(oid, oid), name=share(name, name), family=share(family, family), port=port, protocol=protocol,
        cvss_vector=share(vector, vector), severity=result_severity(fields, about), qod=qod_of(result),
        detection=fields.get("description", ""),
        summary=meta.get("summary", ""), insight=meta.get("insight", ""), affected=meta.get("affected", ""),
        impact=meta.get("impact", ""), solution=share(fix, fix),
        solution_type=(solution.get("type", "") if solution is not None else "") or meta.get("solution_type", ""),
        cves=share(cves, cves), references=share(references, references), source="gvm",
    )
    if not finding.nvt:
        return None
    return FindingRecord(ip=ip, hostname=text(host, "hostname"), finding=finding)


def result_severity(fields, about=None) -> float:
    """The result's score; without one (OpenVAS 4 and 5 write no <severity>) its NVT's
    <cvss_base>, else its threat word's. Greenbone's own negative markers (-1 overridden as false
    positive there, -2 debug, -3 error) fall back to the original severity or 0.0: exceptions are
    this platform's to make."""
    severity = to_float(fields.get("severity", ""), None)
    if severity is None:
        severity = to_float((about or {}).get("cvss_base", ""), None)
    if severity is None:
        severity = LEVEL_SCORES.get(fields.get("threat", "").lower(), 0.0)
    if severity < 0:
        severity = max(0.0, to_float(fields.get("original_severity", ""), 0.0))
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


def refs_of(nvt, about) -> tuple[tuple, tuple]:
    """(CVEs, http references): <refs><ref type= id=/></refs>, or OpenVAS 6-8's <cve> and
    <xref> lists ("URL:https://...")."""
    cves, urls = [], []
    for ref in nvt.iter("ref"):
        kind, ref_id = ref.get("type", "").lower(), ref.get("id", "")
        if kind == "cve" and ref_id:
            cves.append(ref_id)
        elif kind == "url":
            urls.append(ref_id)
    if about.get("cve"):
        cves.extend(split_list(about["cve"]))
    if about.get("xref"):
        urls.extend(x.removeprefix("URL:") for x in split_list(about["xref"]))
    return tuple(dict.fromkeys(cves)), tuple(dict.fromkeys(r for r in urls if r.startswith("http")))


def host_details(host):
    ip = text(host, "ip")
    if not ip:
        return None
    details = {text(d, "name"): text(d, "value") for d in children(host, "detail")}
    os_name = details.get("best_os_txt", "") or details.get("OS", "")
    return HostRecord(ip=ip, hostname=details.get("hostname", ""), os=os_name, mac=details.get("MAC", ""))


def trailing_host_details(path) -> list:
    """Greenbone writes the hosts' details (OS, MAC, names) after all results: read from the
    file's end first, they let each host go out complete as soon as its results are read
    (reader.grouped checks them against the real pass)."""
    records = (host_details(element) for element in elements_after(path, b"</results>", "host"))
    return [record for record in records if record is not None]

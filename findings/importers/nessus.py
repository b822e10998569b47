"""Nessus reports: `.nessus` v2 (NessusClientData_v2) and the older v1 (NessusClientData). Plugin
id as nvt (`nessus:<id>`), name, family, CVSS v3 vector and score (else v2), CVEs, solution and the
plugin output as evidence. The detailed scores win over the `risk_factor` word, which wins over
the `severity` level; an item with neither a score nor a risk factor takes its level's
representative score (docs/imports.md)."""

import hashlib
import ipaddress
import json
import re

from scanning.engine.types import Finding, PortResult

from .records import LEVEL_SCORES, FindingRecord, HostRecord, Shared, parse_port, port_number, split_list, to_float
from .xml import children, leaf_texts, stream, text

V2_LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
V1_LEVELS = {"security hole": "high", "security warning": "medium", "security note": "low"}
V1_PORT = re.compile(r"\((\d+)/(\w+)\)|^(\w+)/(\w+)$")
V1_CVSS = re.compile(r"CVSS Base Score\s*:\s*([\d.]+)\s*(?:\((CVSS2#)?([^)]+)\))?", re.I)
V1_CVE = re.compile(r"CVE-\d{4}-\d{4,}")
V1_RISK = re.compile(r"Risk factor\s*:\s*(\w+)", re.I)
V1_FQDN = re.compile(r"^\s*(\S+) resolves as ", re.M)  # plugin 12053's output: Nessus's own resolution
SHARED = Shared()  # a plugin's texts, one object each (records.Shared)


def parse(path, progress=None):
    wanted = {"ReportHost": "Report"}
    for _tag, host in stream(path, wanted, {"NessusClientData_v2", "NessusClientData"}, "Nessus", progress):
        if host.find("HostProperties") is not None or host.get("name"):
            yield from v2_host(host)
        else:
            yield from v1_host(host)


def listed(text: str) -> tuple:
    """A property or see_also as Nessus writes it: one value a line, or (Tenable.io / Tenable.sc
    exports) a JSON list, `["Linux Kernel ..."]`."""
    text = (text or "").strip()
    if text.startswith("["):
        try:
            values = json.loads(text)
        except ValueError:
            values = None
        if isinstance(values, list):
            return tuple(str(value).strip() for value in values if str(value).strip())
    return split_list(text)


def v2_host(host):
    """A v2 host: its address is the `host-ip` property, else its name when that is an address,
    else the address Nessus resolved the name to (plugin 12053's output, as in v1)."""
    props = {tag.get("name"): (tag.text or "").strip() for tag in host.iter("tag")}
    items = children(host, "ReportItem")
    name = host.get("name", "")
    ip = props.get("host-ip") or (name if is_address(name) else resolved_address(items) or name)
    hostname = props.get("host-fqdn") or props.get("hostname") or (name if name != ip else "")
    SHARED.bound()
    ports = {}
    for item in items:
        port, protocol = port_number(item.get("port")), item.get("protocol", "tcp").lower()
        if port and (port, protocol) not in ports:
            service = item.get("svc_name", "") or "unknown"
            ports[(port, protocol)] = PortResult(port=port, protocol=protocol, service=service.rstrip("?"))
    os_name = props.get("operating-system", "")
    yield HostRecord(ip=ip, hostname=hostname, os=next(iter(listed(os_name.split("\n")[0])), ""),
                     mac=props.get("mac-address", "").split("\n")[0], ports=list(ports.values()))
    for item in items:
        if item.get("pluginID", "0") not in ("", "0"):  # plugin 0 (Nessus 4) only lists an open port
            yield FindingRecord(ip=ip, hostname=hostname, finding=v2_finding(item))


def v2_finding(item):
    get = item.get
    port, protocol = port_number(get("port")), get("protocol", "tcp").lower()  # Tenable.io writes "TCP"
    fields, lists = leaf_texts(item, ("cve", "see_also"), mixed=True)  # plugin output may hold markup
    field = fields.get
    score = v2_score(fields, get("severity"))
    see_also = tuple(link for text in lists["see_also"] for link in listed(text))  # Nessus 4 repeats the element
    share = SHARED.setdefault
    name, family = get("pluginName", "") or field("plugin_name", ""), get("pluginFamily", "")
    vector = field("cvss3_vector", "") or field("cvss_vector", "").replace("CVSS2#", "")
    summary, insight, solution = field("synopsis", ""), field("description", ""), field("solution", "")
    cves, references = tuple(dict.fromkeys(lists["cve"])), tuple(r for r in see_also if r.startswith("http"))
    nvt, name = compliance_check(fields, f"nessus:{get('pluginID', '')}", name)
    return Finding(
        nvt=share(nvt, nvt), name=share(name, name),
        family=share(family, family), port=port if 0 < port < 65536 else 0, protocol=protocol,
        cvss_vector=share(vector, vector), severity=score, qod=70,
        detection=field("plugin_output", ""), summary=share(summary, summary), insight=share(insight, insight),
        solution=share(solution, solution), solution_type="VendorFix" if field("patch_publication_date") else "",
        cves=share(cves, cves), references=share(references, references), source="nessus",
    )


def v2_score(fields, severity) -> float:
    """cvss3_base_score, else cvss_base_score, else the risk_factor word (Nessus 4 writes its notes
    at severity 1 with risk_factor None), else the severity level. A compliance item's severity is
    its result (FAILED 3, PASSED 0) and wins over the plugin's risk_factor None."""
    score = to_float(fields.get("cvss3_base_score"), None)
    if score is None:
        score = to_float(fields.get("cvss_base_score"), None)
    if score is None and not fields.get("cm:compliance-check-name"):
        score = LEVEL_SCORES.get(fields.get("risk_factor", "").lower())
    if score is None:
        score = LEVEL_SCORES[V2_LEVELS.get(int(to_float(severity, 0) or 0), "info")]
    return min(10.0, max(0.0, score))


def compliance_check(fields, nvt, name):
    """A compliance item (Nessus's audit plugins, 21157 and others, report each check of an audit
    file as an item of the one plugin): the check is the finding, `nessus:<plugin>:<check id>`
    named by the check, so an audit's checks are not collapsed into one. Other items: as given."""
    check = fields.get("cm:compliance-check-name", "")
    if not check:
        return nvt, name
    check_id = fields.get("cm:compliance-check-id", "") or hashlib.sha256(check.encode()).hexdigest()[:16]
    return f"{nvt}:{check_id[:64]}", check


def v1_host(host):
    """A v1 host. Its HostName is what the scan targeted, often a name rather than an address:
    the address is then the one Nessus resolved it to (plugin 12053, "A.B.C.D resolves as
    name."). Items with plugin 0 only list an open port."""
    name = text(host, "HostName")
    if not name:
        return
    items = children(host, "ReportItem")
    ip = name if is_address(name) else resolved_address(items) or name
    fqdn = text(host, "dns_name").replace("\\n", "").strip().rstrip(".") or (name if name != ip else "")
    ports = {}
    for item in items:
        port, protocol = v1_port(item)
        label = text(item, "port")  # "ftp (21/tcp)"
        if port and (port, protocol) not in ports:
            service = label.split("(")[0].strip() if "(" in label else ""
            ports[(port, protocol)] = PortResult(port=port, protocol=protocol, service=service or "unknown")
    yield HostRecord(ip=ip, hostname=fqdn if fqdn != ip else "", os=text(host, "os_name"), ports=list(ports.values()))
    for item in items:
        if text(item, "pluginID") not in ("", "0"):
            yield FindingRecord(ip=ip, hostname=fqdn, finding=v1_finding(item))


def is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def resolved_address(items) -> str:
    """The address of plugin 12053's "A.B.C.D resolves as name." (v1: the item's pluginID and
    data; v2: its attribute and plugin_output)."""
    for item in items:
        if (item.get("pluginID") or text(item, "pluginID")) == "12053":
            output = text(item, "plugin_output") or text(item, "data")
            found = V1_FQDN.search(output.replace("\\n", "\n"))
            if found and is_address(found.group(1)):
                return found.group(1)
    return ""


def v1_port(item):
    match = V1_PORT.search(text(item, "port"))
    if match and match.group(1):
        return parse_port(f"{match.group(1)}/{match.group(2)}")
    return parse_port(text(item, "port") or "general/tcp")


def v1_finding(item):
    """The score: the data's CVSS base score, else its risk factor, else the item's severity
    (a word, "Security Hole", or, from Nessus 4, a number 0-3)."""
    port, protocol = v1_port(item)
    data = (text(item, "data") or "").replace("\\n", "\n")
    cvss = V1_CVSS.search(data)
    score = to_float(cvss.group(1), None) if cvss else None
    risk = V1_RISK.search(data)
    if score is None and risk is not None and risk.group(1).lower() in LEVEL_SCORES:
        score = LEVEL_SCORES[risk.group(1).lower()]
    if score is None:
        level = text(item, "severity").lower()
        score = LEVEL_SCORES[V1_LEVELS.get(level, V2_LEVELS.get(int(to_float(level, 0) or 0), "info"))]
    return Finding(
        nvt=f"nessus:{text(item, 'pluginID')}", name=text(item, "pluginName"), port=port, protocol=protocol,
        cvss_vector=cvss.group(3).strip() if cvss and cvss.group(3) else "", severity=min(10.0, max(0.0, score)),
        qod=70, detection=data, cves=tuple(dict.fromkeys(V1_CVE.findall(data))), source="nessus",
    )

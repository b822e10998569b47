"""Greenbone's CSV export of results ("CSV Results"): the same findings as its XML export. The CSV
carries no CVSS vector and, before GVM 9, no QoD column; the `CVSS` score wins over the
`Severity` word."""

import csv
import os

from scanning.engine.types import Finding

from .errors import ReportError
from .records import LEVEL_SCORES, FindingRecord, HostRecord, own_cve, parse_port, split_list, to_float

REQUIRED = {"IP", "NVT OID", "NVT Name"}
csv.field_size_limit(16 * 1024 * 1024)  # a result's "Specific Result" can be long


def parse_csv(path, progress=None):
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        size = max(1, os.fstat(handle.fileno()).st_size)
        head = handle.read(4096)
        if not head.strip():
            raise ReportError("The file is empty")
        if "\0" in head:
            raise ReportError("This is not a Greenbone CSV file: it is binary")
        handle.seek(0)
        reader = csv.DictReader(handle, strict=True)  # strict: a file cut inside a quoted cell is an error
        columns = set(reader.fieldnames or ())
        if not REQUIRED <= columns:
            raise ReportError(f"This is not a Greenbone CSV file: columns {', '.join(sorted(REQUIRED - columns))} are missing")
        seen_hosts = set()
        try:
            for line, row in enumerate(reader):
                if progress is not None and line % 4096 == 0:
                    progress(handle.buffer.tell() / size, None)
                if None in row:  # more cells than the header: a broken or truncated line
                    raise ReportError(f"Line {reader.line_num} has more cells than the header")
                if None in row.values():  # Greenbone writes every cell: the file was cut in this line
                    raise ReportError(f"The file is truncated: line {reader.line_num} has fewer cells than the header")
                record = row_record(row)
                if record is None:
                    continue
                if record.ip not in seen_hosts:
                    seen_hosts.add(record.ip)
                    yield HostRecord(ip=record.ip, hostname=record.hostname)
                yield record
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise ReportError(f"The file is truncated: it ends inside a quoted cell (line {reader.line_num})") from None
            raise ReportError(f"The CSV file is malformed at line {reader.line_num} ({exc})") from None


def row_record(row):
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    ip, oid = get("IP"), get("NVT OID")
    if not ip or not oid:
        return None
    port, protocol = parse_port(f"{get('Port') or 'general'}/{get('Port Protocol') or 'tcp'}")
    severity = to_float(get("CVSS"), None)
    if severity is None:
        severity = LEVEL_SCORES.get(get("Severity").lower(), 0.0)
    qod = to_float(get("QoD"), None)
    references = tuple(r for r in split_list(get("Other References")) if r.startswith("http"))
    finding = Finding(
        nvt=oid, name=get("NVT Name"), port=port, protocol=protocol, severity=min(10.0, max(0.0, severity)),
        qod=int(qod) if qod is not None and 0 <= qod <= 100 else 70, detection=get("Specific Result"),
        summary=get("Summary"), insight=get("Vulnerability Insight"), affected=get("Affected Software/OS"),
        impact=get("Impact"), solution=get("Solution"), solution_type=get("Solution Type"),
        cves=own_cve(oid, split_list(get("CVEs"))), references=references, source="gvm",
    )
    return FindingRecord(ip=ip, hostname=get("Hostname"), finding=finding)

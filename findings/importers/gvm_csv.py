"""Greenbone's CSV export of results ("CSV Results"): the same findings as its XML export. The CSV
carries no CVSS vector and, before GVM 9, no QoD column; the `CVSS` score wins over the
`Severity` word.

Greenbone writes UTF-8 with commas; a spreadsheet that re-saved the file may have written it in
UTF-16 (with its byte-order mark), or, on Windows, in the ANSI code page (Windows-1252), with `;`
(European locales, which also write scores with a decimal comma, `9,8`) or tabs ("Unicode text")
between the cells, and Excel's `sep=;` first line: all are read (docs/imports.md, "Files as users send them")."""

import codecs
import csv
import os
import re

from scanning.engine.types import Finding

from .errors import ReportError
from .records import LEVEL_SCORES, FindingRecord, HostRecord, own_cve, parse_port, split_list, to_float

REQUIRED = {"IP", "NVT OID", "NVT Name"}
DELIMITERS = ",;\t"
SEP_LINE = re.compile(r"sep=(.)\r?\n?")  # Excel's first line naming the delimiter
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CHUNK = 1 << 20
UTF8_CHARACTER = re.compile("[\x80-\udc7f\udd00-\U0010ffff]")
csv.field_size_limit(16 * 1024 * 1024)  # a result's "Specific Result" can be long


def encoding_of(path) -> tuple[str, str]:
    """(encoding, errors): UTF-8 or UTF-16 as the byte-order mark says; without one the file is
    checked in chunks (memory stays bounded): UTF-8 if every byte is, else see not_utf8."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        for bom, name in BOMS:
            if head.startswith(bom):
                return name, "strict"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return not_utf8(path)
    return "utf-8", "strict"


def not_utf8(path) -> tuple[str, str]:
    """A file that is not all UTF-8: Windows-1252 if none of its non-ASCII bytes form UTF-8 (a
    spreadsheet's ANSI code page), else UTF-8 with the odd bad byte replaced (a UTF-8 export
    with a stray byte: its other texts stay right)."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")  # a bad byte -> U+DC80-U+DCFF
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if UTF8_CHARACTER.search(decoder.decode(chunk)):
                return "utf-8", "replace"
    return "cp1252", "strict"


def header(handle):
    """(delimiter, column names, lines read): the delimiter Excel's `sep=` line names, else the
    first of `,` `;` tab that splits the header into Greenbone's columns."""
    first, lines = handle.readline(), 1
    named = SEP_LINE.fullmatch(first)
    if named:
        first, lines = handle.readline(), 2
    candidates = named.group(1) if named else DELIMITERS
    for delimiter in candidates:
        names = next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter), [])
        if REQUIRED <= set(names):
            return delimiter, names, lines
    return candidates[0], next(csv.reader([first.rstrip("\r\n")], delimiter=candidates[0]), []), lines


def parse_csv(path, progress=None):
    encoding, errors = encoding_of(path)
    with open(path, newline="", encoding=encoding, errors=errors) as handle:
        try:
            yield from rows_of(handle, progress)
        except UnicodeDecodeError:
            raise ReportError("The file is neither UTF-8 nor Windows-1252 text (nor UTF-16 with its byte-order mark)") from None


def rows_of(handle, progress):
    size = max(1, os.fstat(handle.fileno()).st_size)
    head = handle.read(4096)
    if not head.strip():
        raise ReportError("The file is empty")
    if "\0" in head:
        raise ReportError("This is not a Greenbone CSV file: it is binary")
    if head.lstrip().startswith("<"):
        raise ReportError("This is not a Greenbone CSV file: it is XML (send it with format nmap_xml, gvm_xml or nessus)")
    handle.seek(0)
    delimiter, names, lines = header(handle)
    if not REQUIRED <= set(names):
        raise ReportError(f"This is not a Greenbone CSV file: columns {', '.join(sorted(REQUIRED - set(names)))} are missing")
    # strict: a file cut inside a quoted cell is an error
    reader = csv.DictReader(handle, fieldnames=names, delimiter=delimiter, strict=True)
    seen_hosts = set()
    try:
        for line, row in enumerate(reader):
            if progress is not None and line % 4096 == 0:
                progress(handle.buffer.tell() / size, None)
            if None in row:  # more cells than the header: a broken or truncated line
                raise ReportError(f"Line {reader.line_num + lines} has more cells than the header")
            if None in row.values():  # Greenbone writes every cell: the file was cut in this line
                raise ReportError(f"The file is truncated: line {reader.line_num + lines} has fewer cells than the header")
            record = row_record(row)
            if record is None:
                continue
            if record.ip not in seen_hosts:
                seen_hosts.add(record.ip)
                yield HostRecord(ip=record.ip, hostname=record.hostname)
            yield record
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ReportError(f"The file is truncated: it ends inside a quoted cell (line {reader.line_num + lines})") from None
        raise ReportError(f"The CSV file is malformed at line {reader.line_num + lines} ({exc})") from None


def row_record(row):
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    ip, oid = get("IP"), get("NVT OID")
    if not ip or not oid:
        return None
    port, protocol = parse_port(f"{get('Port') or 'general'}/{get('Port Protocol') or 'tcp'}")
    severity = to_float(get("CVSS").replace(",", "."), None)  # "9,8": a spreadsheet in a European locale
    if severity is None:
        severity = LEVEL_SCORES.get(get("Severity").lower(), 0.0)
    qod = to_float(get("QoD").replace(",", "."), None)
    references = tuple(r for r in split_list(get("Other References")) if r.startswith("http"))
    finding = Finding(
        nvt=oid, name=get("NVT Name"), port=port, protocol=protocol, severity=min(10.0, max(0.0, severity)),
        qod=int(qod) if qod is not None and 0 <= qod <= 100 else 70, detection=get("Specific Result"),
        summary=get("Summary"), insight=get("Vulnerability Insight"), affected=get("Affected Software/OS"),
        impact=get("Impact"), solution=get("Solution"), solution_type=get("Solution Type"),
        cves=own_cve(oid, split_list(get("CVEs"))), references=references, source="gvm",
    )
    return FindingRecord(ip=ip, hostname=get("Hostname"), finding=finding)

"""Loads downloaded vulnerability data into the feed database (store.py), streamed with ijson so
memory stays flat on a 1 GB file. Three formats, told apart by their content:

    NVD CVE JSON 2.0   {"format": "NVD_CVE", "vulnerabilities": [{"cve": {...}}]}
    CISA KEV           {"catalogVersion": ..., "vulnerabilities": [{"cveID": ...}]}
    Debian tracker     {package: {"CVE-...": {"releases": {"bookworm": {"status": ..., "fixed_version": ...}}}}}

Plain or gzip-compressed. Each file is one transaction: a file that turns out to be broken half
way changes nothing. Re-importing a file changes nothing either (rows are replaced by key; the
KEV catalogue and the Debian tracker are complete snapshots and replace their tables)."""

import gzip
import io
import time
from dataclasses import dataclass
from pathlib import Path

import ijson

from .ranges import range_from_nvd
from .store import open_for_writing

BATCH = 2000
DETECT_EVENTS = 20000
METRIC_KEYS = ("cvssMetricV31", "cvssMetricV30", "cvssMetricV40", "cvssMetricV2")
DEBIAN_FIELDS = ("status", "fixed_version", "urgency")


class FeedFileError(Exception):
    """A file that is not one of the three formats, or is broken: the message says which and why."""


@dataclass
class ImportResult:
    path: str
    kind: str  # nvd | kev | debian
    records: int
    seconds: float


class Progress:
    """Counts records and reports "<file>: 12,000 CVEs (8,400/s)" at most once a second."""

    def __init__(self, label: str, unit: str, report=None, interval: float = 1.0):
        self.label, self.unit, self.report, self.interval = label, unit, report, interval
        self.count = 0
        self.started = self.last = time.monotonic()

    def add(self, n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if self.report is not None and now - self.last >= self.interval:
            self.last = now
            self.report(self.line())

    def line(self, done: bool = False) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        state = "done" if done else "…"
        return f"{self.label}: {self.count:,} {self.unit} ({self.count / elapsed:,.0f}/s) {state}"


def open_source(path: str | Path):
    """A binary stream of the file, gunzipped when it is gzip (by its magic bytes, not its name)."""
    path = Path(path)
    try:
        raw = path.open("rb")
    except OSError as error:
        raise FeedFileError(f"{path}: cannot open ({error.strerror or error})")
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw


def detect_format(path: str | Path) -> str:
    """"nvd", "kev" or "debian" from the first events of the file; FeedFileError otherwise."""
    with open_source(path) as stream:
        try:
            kind = _detect(ijson.basic_parse(stream, use_float=True))
        except (ijson.JSONError, ijson.IncompleteJSONError, EOFError, OSError, gzip.BadGzipFile, UnicodeDecodeError) as error:
            raise FeedFileError(f"{path}: not valid JSON ({_short(error)})")
    if kind is None:
        raise FeedFileError(f"{path}: not an NVD CVE JSON 2.0 file, a CISA KEV catalogue or a Debian security tracker file")
    if kind == "nvd-1.1":
        raise FeedFileError(f"{path}: an NVD JSON 1.1 feed (CVE_Items); NVD retired it: download the JSON 2.0 feeds")
    return kind


def _detect(events) -> str | None:
    path: list = []
    for index, (event, value) in enumerate(events):
        if index > DETECT_EVENTS:
            return None
        if event in ("start_map", "start_array"):
            if not path and event == "start_array":
                return None
            path.append(None if event == "start_map" else "[]")
        elif event in ("end_map", "end_array"):
            path.pop()
            if not path:
                return None
        elif event == "map_key":
            path[-1] = value
            kind = _kind_at(path, value)
            if kind:
                return kind
        elif not path:
            return None
    return None


def _kind_at(path: list, key: str) -> str | None:
    if len(path) == 1:
        return {"format": None, "CVE_Items": "nvd-1.1", "catalogVersion": "kev"}.get(key)
    if len(path) == 3 and path[0] == "vulnerabilities" and path[1] == "[]":
        return {"cve": "nvd", "cveID": "kev"}.get(key)
    if len(path) == 2 and (key.startswith("CVE-") or key.startswith("TEMP-")):
        return "debian"
    return None


def _short(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__


def import_file(database: str | Path, path: str | Path, report=None) -> ImportResult:
    """Imports one file into the feed database; FeedFileError (nothing changed) when it is bad."""
    kind = detect_format(path)
    importer = {"nvd": _import_nvd, "kev": _import_kev, "debian": _import_debian}[kind]
    progress = Progress(Path(path).name, {"nvd": "CVEs", "kev": "KEV entries", "debian": "Debian fixes"}[kind], report)
    connection = open_for_writing(database)
    try:
        connection.execute("BEGIN IMMEDIATE")
        with open_source(path) as stream:
            importer(connection, stream, progress)
        connection.execute("COMMIT")
    except (ijson.JSONError, ijson.IncompleteJSONError, EOFError, gzip.BadGzipFile, UnicodeDecodeError,
            KeyError, TypeError, AttributeError, ValueError) as error:
        connection.execute("ROLLBACK")
        raise FeedFileError(f"{path}: broken {kind} file after {progress.count:,} records ({_short(error)}); nothing imported")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
    if report is not None:
        report(progress.line(done=True))
    return ImportResult(str(path), kind, progress.count, time.monotonic() - progress.started)


# -- NVD CVE JSON 2.0 ---------------------------------------------------------------------------
def _import_nvd(connection, stream, progress) -> None:
    cves, ranges, gone = [], [], []
    for item in ijson.items(stream, "vulnerabilities.item", use_float=True):
        cve = item["cve"]
        if cve.get("vulnStatus") == "Rejected" or disputed(cve):
            gone.append(cve["id"])
        else:
            cves.append(_cve_row(cve))
            ranges.extend((cve["id"], *r.as_row()) for r in _ranges(cve))
        if len(cves) + len(gone) >= BATCH:
            _write_nvd(connection, cves, ranges, gone)
            progress.add(len(cves) + len(gone))
            cves, ranges, gone = [], [], []
    _write_nvd(connection, cves, ranges, gone)
    progress.add(len(cves) + len(gone))


def disputed(cve: dict) -> bool:
    """The vendor disputes that it is a vulnerability (CVE tag `disputed`, or the description's
    "** DISPUTED **" of older records): a version match on it would be a false alarm to most
    reviewers (OpenSSH's CVE-2023-51767 row hammer, CVE-2016-20012, ...), so it is not imported."""
    if any("disputed" in (tag.get("tags") or ()) for tag in cve.get("cveTags") or ()):
        return True
    return any(d.get("value", "").lstrip().startswith("** DISPUTED **") for d in cve.get("descriptions") or ())


def _cve_row(cve: dict) -> tuple:
    vector, score = _vector(cve.get("metrics") or {})
    summary = next((d.get("value", "") for d in cve.get("descriptions") or () if d.get("lang") == "en"), "")
    return (cve["id"], vector, score, summary[:2000], 1 if cve.get("cisaExploitAdd") else 0, cve.get("lastModified", ""))


def _vector(metrics: dict) -> tuple[str, float]:
    """NVD's own (Primary) CVSS v3.1 vector if there is one, else the best other one."""
    for key in METRIC_KEYS:
        entries = metrics.get(key) or []
        chosen = next((e for e in entries if e.get("type") == "Primary"), entries[0] if entries else None)
        if chosen:
            data = chosen.get("cvssData") or {}
            vector = data.get("vectorString", "")
            if key == "cvssMetricV2" and vector and not vector.startswith("AV:"):
                vector = vector.removeprefix("CVSS:2.0/")
            return vector, float(data.get("baseScore") or 0)
    return "", 0.0


def _ranges(cve: dict):
    seen = set()
    for configuration in cve.get("configurations") or ():
        for node in configuration.get("nodes") or ():
            if node.get("negate"):
                continue
            for match in node.get("cpeMatch") or ():
                cpe_range = range_from_nvd(match)
                if cpe_range is not None and cpe_range not in seen:
                    seen.add(cpe_range)
                    yield cpe_range


def _write_nvd(connection, cves, ranges, gone) -> None:
    ids = [row[0] for row in cves] + gone
    if not ids:
        return
    connection.executemany("DELETE FROM cpe_range WHERE cve_id = ?", [(i,) for i in ids])
    connection.executemany("DELETE FROM cve WHERE id = ?", [(i,) for i in gone])
    connection.executemany("INSERT OR REPLACE INTO cve (id, vector, score, summary, kev, modified) VALUES (?, ?, ?, ?, ?, ?)", cves)
    connection.executemany(
        "INSERT INTO cpe_range (cve_id, vendor, product, version, start_including, start_excluding, end_including,"
        " end_excluding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ranges)


# -- CISA KEV -----------------------------------------------------------------------------------
def _import_kev(connection, stream, progress) -> None:
    connection.execute("DELETE FROM kev")  # the catalogue is complete: entries CISA removed go too
    rows = []
    for item in ijson.items(stream, "vulnerabilities.item", use_float=True):
        cve_id = str(item["cveID"]).strip()
        if not cve_id.startswith("CVE-"):
            raise ValueError(f"not a CVE id: {cve_id!r}")
        rows.append((cve_id, str(item.get("dateAdded", "")), str(item.get("vulnerabilityName", ""))[:300]))
        if len(rows) >= BATCH:
            connection.executemany("INSERT OR REPLACE INTO kev (cve_id, added, name) VALUES (?, ?, ?)", rows)
            progress.add(len(rows))
            rows = []
    connection.executemany("INSERT OR REPLACE INTO kev (cve_id, added, name) VALUES (?, ?, ?)", rows)
    progress.add(len(rows))


# -- Debian security tracker --------------------------------------------------------------------
def _import_debian(connection, stream, progress) -> None:
    connection.execute("DELETE FROM debian")  # a complete snapshot of the tracker
    rows = []
    for row in debian_rows(ijson.basic_parse(stream, use_float=True)):
        rows.append(row)
        if len(rows) >= BATCH:
            _write_debian(connection, rows)
            progress.add(len(rows))
            rows = []
    _write_debian(connection, rows)
    progress.add(len(rows))


def _write_debian(connection, rows) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO debian (cve_id, package, release, status, fixed_version, urgency)"
        " VALUES (?, ?, ?, ?, ?, ?)", rows)


def debian_rows(events):
    """(cve, package, release, status, fixed_version, urgency) per release entry, from the parse
    events (package names may contain dots, so ijson's dotted prefixes are not used)."""
    path: list = []  # the key of each open map; "[]" for arrays
    current: dict = {}
    for event, value in events:
        if event == "start_map":
            path.append(None)
        elif event == "start_array":
            path.append("[]")
        elif event in ("end_map", "end_array"):
            if len(path) == 5 and path[2] == "releases" and event == "end_map":
                if path[1].startswith("CVE-") and current.get("status"):
                    yield (path[1], path[0], path[3], current.get("status", ""), current.get("fixed_version", ""),
                           current.get("urgency", ""))
                current = {}
            path.pop()
        elif event == "map_key":
            path[-1] = value
        elif len(path) == 5 and path[2] == "releases" and path[4] in DEBIAN_FIELDS and isinstance(value, str):
            current[path[4]] = value

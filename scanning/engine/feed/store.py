"""The imported vulnerability feed: one SQLite file (stdlib sqlite3, no Django: the engine reads
it in its worker thread) holding only what matching needs. `manage.py import_vuln_feed` writes
it; the known_vulnerable_versions check reads it (read-only) next to the curated feed.

    cve        id, CVSS vector and NVD's score, a one-paragraph summary, known-exploited flag
    cpe_range  the vulnerable CPE ranges of each CVE, indexed by (vendor, product)
    kev        CISA's Known Exploited Vulnerabilities catalogue (flags CVEs imported before or after)
    debian     the security tracker's status and fixed package version per (CVE, package, release)
"""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .ranges import CpeRange

SCHEMA = """
CREATE TABLE IF NOT EXISTS cve (
    id TEXT PRIMARY KEY, vector TEXT NOT NULL DEFAULT '', score REAL NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '', kev INTEGER NOT NULL DEFAULT 0, modified TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cpe_range (
    cve_id TEXT NOT NULL, vendor TEXT NOT NULL, product TEXT NOT NULL, version TEXT NOT NULL,
    start_including TEXT NOT NULL, start_excluding TEXT NOT NULL,
    end_including TEXT NOT NULL, end_excluding TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cpe_range_product ON cpe_range (vendor, product);
CREATE INDEX IF NOT EXISTS cpe_range_cve ON cpe_range (cve_id);
CREATE TABLE IF NOT EXISTS kev (cve_id TEXT PRIMARY KEY, added TEXT NOT NULL, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS debian (
    cve_id TEXT NOT NULL, package TEXT NOT NULL, release TEXT NOT NULL, status TEXT NOT NULL,
    fixed_version TEXT NOT NULL, urgency TEXT NOT NULL, PRIMARY KEY (cve_id, release, package)
) WITHOUT ROWID;
"""
SELECT_RANGES = (
    "SELECT r.cve_id, r.vendor, r.product, r.version, r.start_including, r.start_excluding, r.end_including,"
    " r.end_excluding, c.vector, c.summary, c.score, c.kev OR EXISTS (SELECT 1 FROM kev k WHERE k.cve_id = c.id)"
    " FROM cpe_range r JOIN cve c ON c.id = r.cve_id"
)
SELECT_DEBIAN = "SELECT cve_id, package, release, status, fixed_version, urgency FROM debian"


@dataclass(frozen=True)
class CveRecord:
    id: str
    vector: str
    summary: str
    known_exploited: bool
    ranges: tuple  # CpeRange, for the looked-up products only
    title: str = ""  # a short title (curated entries); "" = derived from the summary
    fixed: str = ""  # the curated "update to" version; "" = from the range (versionEndExcluding)
    score: float = 0.0  # NVD's base score, used only when the vector cannot be scored


@dataclass(frozen=True)
class DebianFix:
    package: str
    release: str
    status: str  # resolved | open | undetermined
    fixed_version: str  # "1:9.2p1-2+deb12u3"; "0" = never affected
    urgency: str


def open_for_writing(path: str | Path) -> sqlite3.Connection:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.executescript(SCHEMA)
    return connection


class FeedDatabase:
    """Read-only lookups in the imported feed; a missing file is an empty feed."""

    def __init__(self, path: str | Path):
        self.path = Path(path) if path else None

    def _connect(self) -> sqlite3.Connection | None:
        if self.path is None or not self.path.is_file():
            return None
        connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        connection.execute("PRAGMA query_only=1")
        return connection

    def records_for(self, pairs) -> list[CveRecord]:
        """Every CVE with a vulnerable range on one of these (vendor, product) pairs."""
        connection = self._connect()
        if connection is None or not pairs:
            return []
        with closing(connection):
            try:
                return self._records(connection, list(pairs))
            except sqlite3.OperationalError:  # a file that is not (yet) a feed: nothing to match
                return []

    def _records(self, connection, pairs) -> list[CveRecord]:
        where = " OR ".join("(r.vendor = ? AND r.product = ?)" for _ in pairs)
        query = f"{SELECT_RANGES} WHERE {where} ORDER BY r.cve_id"  # noqa: S608 - placeholders only
        rows = connection.execute(query, [value for pair in pairs for value in pair]).fetchall()
        grouped: dict[str, list] = {}
        facts: dict[str, tuple] = {}
        for cve_id, *bounds, vector, summary, score, kev in rows:
            grouped.setdefault(cve_id, []).append(CpeRange(*bounds))
            facts[cve_id] = (vector, summary, bool(kev), score)
        return [CveRecord(cve_id, vector, summary, kev, tuple(ranges), score=score)
                for cve_id, ranges in grouped.items() for vector, summary, kev, score in [facts[cve_id]]]

    def debian_fixes(self, cve_ids, release: str) -> dict[str, list[DebianFix]]:
        """{cve id: [DebianFix]} the tracker knows for these CVEs in this release."""
        connection = self._connect()
        if connection is None or not cve_ids or not release:
            return {}
        cve_ids = list(cve_ids)
        with closing(connection):
            try:
                query = f"{SELECT_DEBIAN} WHERE release = ? AND cve_id IN ({','.join('?' * len(cve_ids))})"  # noqa: S608
                rows = connection.execute(query, [release, *cve_ids]).fetchall()
            except sqlite3.OperationalError:
                return {}
        fixes: dict[str, list[DebianFix]] = {}
        for cve_id, *fields in rows:
            fixes.setdefault(cve_id, []).append(DebianFix(*fields))
        return fixes

    def known_exploited(self, cve_ids) -> set[str]:
        connection = self._connect()
        if connection is None or not cve_ids:
            return set()
        cve_ids = list(cve_ids)
        with closing(connection):
            try:
                rows = connection.execute(
                    f"SELECT cve_id FROM kev WHERE cve_id IN ({','.join('?' * len(cve_ids))})",  # noqa: S608 - placeholders only
                    cve_ids).fetchall()
            except sqlite3.OperationalError:
                return set()
        return {row[0] for row in rows}

"""The curated feed shipped in the repository (data/curated.json, format in docs/checks.md): a
few dozen well-known CVEs of common server software with their real ranges and vectors, the
end-of-life product lines (checks CG-9001..), and the upstream versions supported distributions
ship (a banner without a revision showing one of those is probably a distribution build)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .ranges import CpeRange, range_from_nvd
from .store import CveRecord

CURATED_PATH = Path(__file__).parent / "data" / "curated.json"


@dataclass(frozen=True)
class EndOfLife:
    nvt: str  # CG-9001 ...
    product: str  # "Apache httpd"
    line: str  # "2.2 and older"
    vector: str
    successor: str
    summary: str
    ranges: tuple  # CpeRange


@dataclass(frozen=True)
class CuratedFeed:
    cves: dict  # (vendor, product) -> [CveRecord]
    end_of_life: dict  # (vendor, product) -> [EndOfLife]
    distribution_versions: dict  # product key -> {distribution: [upstream versions]}

    def records_for(self, pairs) -> list[CveRecord]:
        seen, records = set(), []
        for pair in pairs:
            for record in self.cves.get(pair, ()):
                if record.id not in seen:
                    seen.add(record.id)
                    records.append(record)
        return records

    def end_of_life_for(self, pairs) -> list[EndOfLife]:
        found = {entry.nvt: entry for pair in pairs for entry in self.end_of_life.get(pair, ())}
        return list(found.values())

    def shipped_by(self, product_key: str, upstream: str) -> list[str]:
        """The distributions whose packages carry this upstream version of the product ("8.2.*"
        stands for every 8.2 release: Debian 12 follows PHP's 8.2 point releases)."""
        table = self.distribution_versions.get(product_key, {})
        return [name for name, versions in table.items()
                if upstream in versions or any(v.endswith(".*") and upstream.startswith(v[:-1]) for v in versions)]


def _ranges(entries) -> tuple[CpeRange, ...]:
    ranges = (range_from_nvd({"vulnerable": True, **entry}) for entry in entries)
    return tuple(r for r in ranges if r is not None)


@cache
def curated_feed(path: str = str(CURATED_PATH)) -> CuratedFeed:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    cves: dict = {}
    for entry in data.get("cves", ()):
        ranges = _ranges(entry["cpeMatch"])
        record = CveRecord(entry["id"], entry["vector"], entry.get("summary", ""), bool(entry.get("known_exploited")),
                           ranges, entry.get("title", ""), entry.get("fixed", ""))
        for pair in {(r.vendor, r.product) for r in ranges}:
            cves.setdefault(pair, []).append(record)
    end_of_life: dict = {}
    for entry in data.get("end_of_life", ()):
        ranges = _ranges(entry["cpeMatch"])
        item = EndOfLife(entry["nvt"], entry["product"], entry["line"], entry["vector"], entry.get("successor", ""),
                         entry.get("summary", ""), ranges)
        for pair in {(r.vendor, r.product) for r in ranges}:
            end_of_life.setdefault(pair, []).append(item)
    return CuratedFeed(cves, end_of_life, data.get("distribution_versions", {}))

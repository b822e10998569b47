"""The shipped curated feed is consistent: valid ids and vectors, ranges that parse, a fixed
version that is itself outside the affected ranges, and end-of-life ids in sequence."""

import json
import re

import cvss

from scanning.engine.feed.curated import CURATED_PATH, curated_feed
from scanning.engine.feed.products import BY_CPE, BY_KEY
from scanning.engine.feed.ranges import range_from_nvd

DATA = json.loads(CURATED_PATH.read_text())


def test_cve_entries():
    ids = [entry["id"] for entry in DATA["cves"]]
    assert len(ids) == len(set(ids)) and 30 <= len(ids) <= 80
    for entry in DATA["cves"]:
        assert re.fullmatch(r"CVE-\d{4}-\d{4,}", entry["id"])
        assert entry["vector"].startswith("CVSS:3.1/") and cvss.CVSS3(entry["vector"]).base_score > 0
        assert entry["title"] and entry["summary"] and entry["cpeMatch"]
        ranges = [range_from_nvd({"vulnerable": True, **m}) for m in entry["cpeMatch"]]
        assert all(r is not None and (r.vendor, r.product) in BY_CPE for r in ranges), entry["id"]
        for fixed in re.findall(r"\d+(?:\.\d+)+[a-z]*\d*", entry["fixed"]):
            assert not any(r.matches(fixed) for r in ranges), f"{entry['id']}: the fix {fixed} is inside a range"


def test_end_of_life_entries():
    nvts = [entry["nvt"] for entry in DATA["end_of_life"]]
    assert nvts == [f"CG-{9001 + i}" for i in range(len(nvts))]
    for entry in DATA["end_of_life"]:
        assert cvss.CVSS3(entry["vector"]).base_score == 10.0


def test_distribution_versions_name_known_products():
    assert set(DATA["distribution_versions"]) <= set(BY_KEY)
    assert curated_feed().shipped_by("exim", "4.96") == ["Debian 12 (bookworm)"]
    assert curated_feed().shipped_by("exim", "4.92") == []

"""Small NVD CVE JSON 2.0, CISA KEV and Debian security tracker documents, shaped like the real
downloads (the fields the importer reads and a few it must ignore)."""

import gzip
import json


def nvd_cve(cve_id, matches, vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score=9.8,
            summary="A flaw. More text.", status="Analyzed", kev=False, platform=None):
    """One `vulnerabilities` item; `matches` are cpeMatch dicts (vulnerable defaults to True)."""
    nodes = [{"operator": "OR", "negate": False,
              "cpeMatch": [{"vulnerable": True, "matchCriteriaId": "X", **m} for m in matches]}]
    configuration = {"nodes": nodes}
    if platform:  # an application running on an OS: the OS entry is not vulnerable itself
        configuration = {"operator": "AND", "nodes": nodes + [{"operator": "OR", "negate": False, "cpeMatch": [
            {"vulnerable": False, "criteria": platform, "matchCriteriaId": "Y"}]}]}
    cve = {
        "id": cve_id, "sourceIdentifier": "security@example.org", "published": "2024-01-01T00:00:00.000",
        "lastModified": "2024-02-01T00:00:00.000", "vulnStatus": status,
        "descriptions": [{"lang": "es", "value": "Un fallo."}, {"lang": "en", "value": summary}],
        "metrics": {"cvssMetricV31": [
            {"source": "other@example.org", "type": "Secondary", "cvssData": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "baseScore": 5.3}},
            {"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "3.1", "vectorString": vector, "baseScore": score}},
        ]} if vector else {},
        "configurations": [configuration],
        "references": [{"url": "https://example.org/advisory", "source": "x"}],
    }
    if kev:
        cve["cisaExploitAdd"] = "2021-11-03"
    return {"cve": cve}


def nvd_document(items):
    return {"resultsPerPage": len(items), "startIndex": 0, "totalResults": len(items), "format": "NVD_CVE",
            "version": "2.0", "timestamp": "2026-12-01T00:00:00.000", "vulnerabilities": items}


def kev_document(cve_ids):
    return {"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.12.01",
            "dateReleased": "2026-12-01T00:00:00.000Z", "count": len(cve_ids),
            "vulnerabilities": [{"cveID": cve_id, "vendorProject": "X", "product": "Y", "vulnerabilityName": f"{cve_id} flaw",
                                 "dateAdded": "2024-07-01", "knownRansomwareCampaignUse": "Unknown"} for cve_id in cve_ids]}


def debian_document(entries):
    """entries: {(package, cve): {release: (status, fixed_version)}}."""
    document: dict = {}
    for (package, cve), releases in entries.items():
        document.setdefault(package, {})[cve] = {
            "description": "text", "scope": "remote", "debianbug": 1,
            "releases": {release: {"status": status, "repositories": {release: "1.0-1"}, "fixed_version": fixed,
                                   "urgency": "not yet assigned"} if fixed else
                         {"status": status, "repositories": {release: "1.0-1"}, "urgency": "unimportant" if status == "open" else "low"}
                         for release, (status, fixed) in releases.items()},
        }
    return document


def write(path, document, compressed=False):
    data = json.dumps(document).encode()
    path.write_bytes(gzip.compress(data) if compressed else data)
    return path

"""Known-vulnerable versions (family known_vulnerable_versions): the product and version a port
announced, matched against the curated feed and the imported one (scanning/engine/feed/).

- CG-9000 reports one finding per matching CVE per port, with the stable id `CG-<CVE id>`
  (CG-CVE-2021-41773 for CVE-2021-41773): its vector, the range that matched, the fix, KEV's word.
- CG-9001.. report an end-of-life product line (unsupported software: a PCI automatic failure).

QoD: 80 for an upstream banner, 30 for a version-only match on a distribution build (the fix
may be backported), 97 when the Debian tracker's fixed package version settles it. The imported
feed's path comes from the run (`ScanPlan.feed_path`, handed to the check context)."""

import asyncio

from ..feed.components import components_of
from ..feed.curated import curated_feed
from ..feed.matcher import Matcher
from .base import Check, base_score, register

NVD_URL = "https://nvd.nist.gov/vuln/detail/{}"
KEV_URL = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"
FAMILY = "known_vulnerable_versions"


def feed_path_of(ctx) -> str:
    """The imported feed of this run, or "" (the curated feed only)."""
    return ctx.feed_path or ""


class VersionCheck(Check):
    family = FAMILY
    solution_type = "VendorFix"

    def applies(self, host, port) -> bool:
        return port.state == "open" and bool(port.version or port.cpe or (port.extra or {}).get("http"))


@register
class KnownVulnerableVersions(VersionCheck):
    nvt = "CG-9000"
    name = "Known-vulnerable software version (CVE match)"
    summary = "The announced product version is affected by a published vulnerability."
    qod = 80

    async def run(self, ctx, host, port):
        components = components_of(port)
        if not components:
            return []
        matcher = Matcher(feed_path_of(ctx))
        matches = await asyncio.to_thread(lambda: [m for c in components for m in matcher.cve_matches(c)])
        return [self._finding(port, match) for match in matches]

    def _finding(self, port, match):
        component, record, detected = match.component, match.record, match.component.version
        title = record.title or short_title(record.summary)
        fixed = record.fixed or match.range.fixed_version
        solution = f"Update {component.name} to {fixed} or later." if fixed else \
            f"Update {component.name} to a version that is not affected (see the references)."
        if match.distribution_note:
            solution += " On a distribution build, install the distribution's security updates for the package."
        kev = " CISA lists it as known exploited (KEV catalogue)." if match.known_exploited else ""
        detection = (f"{component.evidence}: {component.name} {detected.upstream} is in the affected range "
                     f"({match.range.describe()}) of {record.id}.")
        if match.distribution_note:
            detection += " " + match.distribution_note
        references = (NVD_URL.format(record.id),) + ((KEV_URL,) if match.known_exploited else ())
        return self.finding(
            port, detection, nvt=nvt_of(record.id), name=f"{component.name} {detected.upstream}: {title} ({record.id})",
            cvss_vector=record.vector, severity=severity_of(record), qod=match.qod, cves=(record.id,), references=references, solution=solution,
            summary=f"{component.name} {detected.upstream} is affected by {record.id}: {title}.{kev}",
            insight=(record.summary + kev).strip(), affected=f"{component.name} {match.range.describe()}",
            source="version_match",
        )


def severity_of(record) -> float:
    """The vector's base score (by the cvss library); NVD's own score if the vector is unusable."""
    try:
        return base_score(record.vector)
    except Exception:  # noqa: BLE001 - a malformed vector in a downloaded file must not stop the scan
        return float(record.score or 0.0)


def nvt_of(cve_id: str) -> str:
    """The stable check id of a CVE match: "CG-" + the CVE id (CG-CVE-2021-41773)."""
    return f"CG-{cve_id}"


def short_title(summary: str, limit: int = 90) -> str:
    """The first sentence of an NVD description, cut at a word near `limit` characters."""
    sentence = summary.split(". ", 1)[0].strip().rstrip(".")
    if len(sentence) <= limit:
        return sentence or "published vulnerability"
    return sentence[:limit].rsplit(" ", 1)[0] + "…"


def _end_of_life_check(entry) -> type[Check]:
    """One registered check per end-of-life line of the curated feed (ids CG-9001..)."""

    async def run(self, ctx, host, port):
        matcher = Matcher(curated=curated_feed())
        findings = []
        for component in components_of(port):
            match = matcher.end_of_life_matches(component, entry)
            if match is None:
                continue
            version = component.version.upstream
            detection = (f"{component.evidence}: {component.name} {version} belongs to the {entry.line} line(s) "
                         f"({match.range.describe()}), which no longer receive security fixes.")
            if match.distribution_note:
                detection += " " + match.distribution_note
            findings.append(self.finding(port, detection, qod=match.qod, source="version_match",
                                         name=f"{component.name} {version}: unsupported version (end of life)"))
        return findings

    return type(f"EndOfLife{entry.nvt.replace('-', '')}", (VersionCheck,), {
        "nvt": entry.nvt, "name": f"{entry.product} {entry.line}: end of life (unsupported)",
        "cvss_vector": entry.vector, "qod": 80, "pci_fail": True, "summary": entry.summary,
        "insight": "Software past its end of life receives no security fixes: vulnerabilities found after that date stay open.",
        "impact": "Unpatched vulnerabilities of an unsupported product line; PCI DSS ASV scans fail unsupported software automatically.",
        "affected": f"{entry.product} {entry.line}", "solution": f"Upgrade to a supported release line: {entry.successor}.",
        "references": (), "run": run, "__module__": __name__,
    })


for _entry in sorted({e.nvt: e for entries in curated_feed().end_of_life.values() for e in entries}.values(), key=lambda e: e.nvt):
    register(_end_of_life_check(_entry))

"""Which CVEs and end-of-life lines a detected component matches, and how sure we are:

- an upstream build (no distribution seen): a version match is the finding, QoD 80;
- a distribution build (a Debian/Ubuntu/RHEL revision or marker in the banner, or a version a
  supported distribution ships): the fix may be backported, so a version-only match has QoD 30
  and says so, unless the imported Debian security tracker knows the CVE's fixed package version
  for the banner's release: fixed -> no finding; vulnerable -> QoD 97 naming both versions.
An NVD range naming every version of a product (no bounds, no version) is no version match. An
end-of-life line on a distribution whose releases have all ended (CentOS Linux, not CentOS Stream)
is reported as upstream's: nobody supports that build either."""

from dataclasses import dataclass

from .curated import CuratedFeed, curated_feed
from .products import debian_package_matches
from .store import CveRecord, DebianFix, FeedDatabase
from .versions import Version, package_version_compare

QOD_UPSTREAM, QOD_DISTRIBUTION, QOD_PACKAGE = 80, 30, 97
# distributions whose every release has ended: their build of an end-of-life line is unsupported too
ENDED_DISTRIBUTIONS = {"CentOS": "A CentOS Linux build: CentOS Linux reached its end of life (7 in June 2024, 8 in December 2021),"}


@dataclass(frozen=True)
class VersionMatch:
    component: object  # components.Component
    record: CveRecord
    range: object  # ranges.CpeRange that matched
    qod: int
    distribution_note: str  # "" for an upstream build
    known_exploited: bool


class Matcher:
    def __init__(self, feed_path: str = "", curated: CuratedFeed | None = None):
        self.curated = curated or curated_feed()
        self.database = FeedDatabase(feed_path) if feed_path else None

    def cve_matches(self, component) -> list[VersionMatch]:
        version = Version(component.version.upstream)
        records = self._records(component.pairs)
        hits = []
        for record in records:
            hit = next((r for r in record.ranges if (r.vendor, r.product) in component.pairs and r.bounded
                        and r.matches(version)), None)
            if hit is not None:
                hits.append((record, hit))
        if not hits:
            return []
        fixes = self._debian_fixes(component, [record.id for record, _ in hits])
        kev = self.database.known_exploited([r.id for r, _ in hits]) if self.database else set()
        matches = []
        for record, hit in hits:
            verdict = self._verdict(component, fixes.get(record.id, []))
            if verdict is None:
                continue
            qod, note = verdict
            matches.append(VersionMatch(component, record, hit, qod, note, record.known_exploited or record.id in kev))
        return matches

    def end_of_life_matches(self, component, entry) -> VersionMatch | None:
        version = Version(component.version.upstream)
        hit = next((r for r in entry.ranges if (r.vendor, r.product) in component.pairs and r.matches(version)), None)
        if hit is None:
            return None
        if component.version.distribution in ENDED_DISTRIBUTIONS:
            note = f"{ENDED_DISTRIBUTIONS[component.version.distribution]} nothing patches its packages any more."
            return VersionMatch(component, None, hit, QOD_UPSTREAM, note, False)
        qod, note = self._version_only(component)
        if note:
            note += " Distributions keep supporting the packages of their releases after upstream's end of life."
        return VersionMatch(component, None, hit, qod, note, False)

    def _records(self, pairs) -> list[CveRecord]:
        records = {record.id: record for record in self.curated.records_for(pairs)}
        if self.database is not None:
            for record in self.database.records_for(pairs):
                curated = records.get(record.id)
                if curated is None:
                    records[record.id] = record
                else:  # the curated text and fix, NVD's (newer) ranges as well as ours
                    records[record.id] = CveRecord(
                        record.id, curated.vector or record.vector, curated.summary or record.summary,
                        curated.known_exploited or record.known_exploited, curated.ranges + record.ranges,
                        curated.title, curated.fixed)
        return sorted(records.values(), key=lambda record: record.id)

    def _debian_fixes(self, component, cve_ids) -> dict:
        detected = component.version
        if self.database is None or detected.distribution not in ("Debian", "Raspbian") or not detected.release:
            return {}
        fixes = self.database.debian_fixes(cve_ids, detected.release)
        return {cve: [f for f in rows if debian_package_matches(component.product, f.package)] for cve, rows in fixes.items()}

    def _verdict(self, component, fixes: list[DebianFix]) -> tuple[int, str] | None:
        """(qod, distribution note) for a version match; None when the package is fixed."""
        detected = component.version
        if not fixes or not detected.revision:
            return self._version_only(component)
        verdicts = [self._package_verdict(detected, fix) for fix in fixes]
        if any(v is not None and v[0] == QOD_PACKAGE for v in verdicts):
            return next(v for v in verdicts if v is not None and v[0] == QOD_PACKAGE)
        if all(v is None for v in verdicts):
            return None
        return self._version_only(component)

    def _package_verdict(self, detected, fix: DebianFix) -> tuple[int, str] | None:
        banner_version = detected.package_version
        release = detected.release
        if fix.status == "resolved" and fix.fixed_version:
            if fix.fixed_version == "0":
                return None  # the tracker says this release was never affected
            epoch = fix.fixed_version.split(":", 1)[0] + ":" if ":" in fix.fixed_version else ""
            if package_version_compare(epoch + banner_version, fix.fixed_version) >= 0:
                return None
            return QOD_PACKAGE, (f"Debian package check: {fix.package} {banner_version} (from the banner) is older than "
                                 f"{fix.fixed_version}, the version that fixes it in Debian {release}.")
        if fix.status == "open" and fix.urgency != "unimportant":
            return QOD_PACKAGE, (f"Debian package check: the security tracker lists it as unfixed in {fix.package} "
                                 f"for Debian {release} (banner package version {banner_version}).")
        return None if fix.status == "resolved" else (QOD_DISTRIBUTION, self._distribution_note(detected))

    def _version_only(self, component) -> tuple[int, str]:
        detected = component.version
        if detected.distribution:
            return QOD_DISTRIBUTION, self._distribution_note(detected)
        shipped = self.curated.shipped_by(component.product.key, detected.upstream) if component.product else []
        if shipped:
            return QOD_DISTRIBUTION, (
                f"Version-only match on a probable distribution build: {component.name} {detected.upstream} is the "
                f"version {', '.join(shipped)} ship{'s' if len(shipped) == 1 else ''}, whose packages carry backported "
                "fixes; the version alone does not prove the flaw.")
        return QOD_UPSTREAM, ""

    @staticmethod
    def _distribution_note(detected) -> str:
        build = f"{detected.distribution} package revision {detected.revision}" if detected.revision else f"{detected.distribution} build"
        return (f"Version-only match on a distribution build ({build}, seen as {detected.evidence!r}): the "
                "distribution may have backported the fix without changing the upstream version, so the version alone "
                "does not prove the flaw.")

"""NVD CPE match ranges: one `cpeMatch` entry of a CVE's configurations (CPE 2.3 criteria,
versionStart/EndIncluding/Excluding or an exact version), and whether a detected upstream
version falls inside it. Only `vulnerable: true` entries are kept: the others name the platform
a flaw needs (an OS under an application), not affected software."""

import re
from dataclasses import dataclass

from .products import parse_cpe
from .versions import Version

ANY = ("*", "")
BOUNDS = ("versionStartIncluding", "versionStartExcluding", "versionEndIncluding", "versionEndExcluding")


@dataclass(frozen=True)
class CpeRange:
    vendor: str
    product: str
    version: str = ""  # an exact affected version; "" = the bounds below (none at all = every version)
    start_including: str = ""
    start_excluding: str = ""
    end_including: str = ""
    end_excluding: str = ""

    def matches(self, version: Version | str) -> bool:
        version = version if isinstance(version, Version) else Version(version)
        if self.version:
            return version == Version(self.version)
        return (
            (not self.start_including or version >= Version(self.start_including))
            and (not self.start_excluding or version > Version(self.start_excluding))
            and (not self.end_including or version <= Version(self.end_including))
            and (not self.end_excluding or version < Version(self.end_excluding))
        )

    @property
    def bounded(self) -> bool:
        """False for "every version" (NVD's `product:*` with no bounds: no release fixed it, so the
        version is no evidence either way)."""
        return bool(self.version or self.start_including or self.start_excluding or self.end_including or self.end_excluding)

    @property
    def fixed_version(self) -> str:
        """The first version outside the range when NVD says so (versionEndExcluding), else ""."""
        return self.end_excluding

    def describe(self) -> str:
        """The affected range in words: "2.4.49", ">= 8.5p1, < 9.8p1", "every version"."""
        if self.version:
            return self.version
        parts = [f"{op} {value}" for op, value in (
            (">=", self.start_including), (">", self.start_excluding),
            ("<=", self.end_including), ("<", self.end_excluding)) if value]
        return ", ".join(parts) or "every version"

    def as_row(self) -> tuple:
        return (self.vendor, self.product, self.version, self.start_including, self.start_excluding,
                self.end_including, self.end_excluding)


def range_from_nvd(match: dict) -> CpeRange | None:
    """A CpeRange of one NVD `cpeMatch` object, None for non-vulnerable or unusable entries."""
    if not match.get("vulnerable", False):
        return None
    parsed = parse_cpe(match.get("criteria") or match.get("cpe23Uri") or "")
    if parsed is None or parsed["part"] not in ("a", "o"):
        return None
    bounds = [str(match.get(name) or "").strip() for name in BOUNDS]
    version = parsed["version"]
    if version == "-":  # "no version" (NA): nothing a banner's version can equal
        return None
    exact = "" if version in ANY else _with_update(version, parsed["update"])
    if exact and any(bounds):
        exact = ""  # NVD never mixes them; trust the bounds if it ever does
    return CpeRange(parsed["vendor"], parsed["product"], exact, *bounds)


def _with_update(version: str, update: str) -> str:
    """NVD splits OpenSSH's `7.4p1` into version 7.4, update p1; rejoin it. Other updates
    (`beta1`, `rc2`, `sp1`) follow a hyphen, which Version reads as a pre-release or suffix."""
    if update in ("*", "-", ""):
        return version
    if re.fullmatch(r"p\d+", update, re.IGNORECASE):
        return version + update.lower()
    return f"{version}-{update}"

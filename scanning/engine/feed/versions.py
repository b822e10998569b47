"""Versions as servers announce them, split into the upstream version (what NVD ranges speak of)
and the distribution build around it (what a backported fix hides behind):

    "OpenSSH_9.2p1 Debian-2+deb12u3"  -> upstream 9.2p1, Debian revision 2+deb12u3 (bookworm)
    "Apache/2.4.62 (Debian)"          -> upstream 2.4.62, a Debian build, revision unknown
    "10.11.6-MariaDB-0+deb12u1"       -> upstream 10.11.6, Debian revision 0+deb12u1
    "nginx/1.22.1", "vsFTPd 3.0.3"    -> upstream only

Comparison: univers' DebianVersion (dpkg's algorithm) on a normalised upstream string. dpkg's
rules are the ones real server versions need: `7.4p1 < 7.4p2 < 8.0p1`, `9.8 < 9.8p1`,
`1.0.1 < 1.0.1a < 1.0.1g`, `2.4.9 < 2.4.10`; pre-releases are rewritten to dpkg's `~` so
`3.0.0-beta1 < 3.0.0` and `1.3.6rc4 < 1.3.6`. (univers' GenericVersion says 2.4.9 > 2.4.10 and
`packaging` rejects 7.4p1: neither is usable here.)"""

import re
from dataclasses import dataclass
from functools import lru_cache, total_ordering

from univers.versions import DebianVersion, InvalidVersion

UPSTREAM = re.compile(r"\d+(?:\.\d+)*(?:[a-z]{1,2}\d*)?(?:[-_.~]?(?:alpha|beta|rc|pre|dev|m)\d*)?", re.IGNORECASE)
PRE_RELEASE = re.compile(r"[-_.~]?(alpha|beta|rc|pre|dev)(\d*)$", re.IGNORECASE)
DEBIAN_RELEASES = {"9": "stretch", "10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie", "14": "forky"}
# a package revision as banners carry it: Debian-2+deb12u3, 0+deb12u1, 1~deb12u2, 3ubuntu0.10, 43.el8
REVISION = re.compile(
    r"(?:(?<=[\s_-])|^)(?:debian-|ubuntu-|raspbian-)?"
    r"(\d[0-9a-z.+~]*?(?:[+~]deb\d+u\d+|ubuntu[0-9.~]*\d|[.+]el\d+(?:_\d+)?)(?:[0-9a-z.+~]*)?)(?=$|[\s)_-])",
    re.IGNORECASE,
)
# distribution words in a banner (Server header comments, SSH software comments, ProFTPD's "(Debian)")
DISTRIBUTION_WORDS = (
    ("debian", "Debian"), ("ubuntu", "Ubuntu"), ("raspbian", "Raspbian"), ("red hat", "Red Hat"),
    ("centos stream", "CentOS Stream"), ("centos", "CentOS"), ("rocky", "Rocky Linux"), ("almalinux", "AlmaLinux"), ("fedora", "Fedora"),
    ("amazon", "Amazon Linux"), ("oracle linux", "Oracle Linux"), ("cloudlinux", "CloudLinux"),
    ("opensuse", "openSUSE"), ("suse", "SUSE"), ("el7", "Red Hat"),
    ("el8", "Red Hat"), ("el9", "Red Hat"), ("fips", "a vendor FIPS"),
)
# Amazon Linux 2 builds httpd with an empty OS name: "Apache/2.4.62 () OpenSSL/1.0.2k-fips"
EMPTY_OS_COMMENT = re.compile(r"\bApache/\d[\w.]*\s+\(\)", re.IGNORECASE)
# FreeBSD patches its base system in place (OpenSSH "FreeBSD-20230719", OpenSSL "1.1.1t-freebsd");
# its ports (Apache "(FreeBSD)", nginx, PHP) are upstream releases, whose version says it all
FREEBSD_BASE = re.compile(r"FreeBSD[- ]\d{8}\b", re.IGNORECASE)
FREEBSD_VERSION = re.compile(r"\w-freebsd\b", re.IGNORECASE)


@total_ordering
class Version:
    """An upstream version, compared as dpkg compares (see the module text)."""

    __slots__ = ("text", "_key")

    def __init__(self, text: str):
        self.text = text.strip()
        self._key = _debian_key(self.text)

    def __eq__(self, other):
        return self._key == _coerce(other)._key

    def __lt__(self, other):
        return self._key < _coerce(other)._key

    def __hash__(self):
        return hash(self.text)

    def __repr__(self):
        return f"Version({self.text!r})"

    def __str__(self):
        return self.text


def _coerce(value) -> Version:
    return value if isinstance(value, Version) else Version(str(value))


@lru_cache(maxsize=65536)
def _debian_key(text: str) -> DebianVersion:
    normalised = PRE_RELEASE.sub(lambda m: f"~{m.group(1).lower()}{m.group(2)}", text.strip())
    normalised = normalised.replace("-", ".").replace("_", ".").replace(":", ".") or "0"
    if not normalised[0].isdigit():
        normalised = "0~" + normalised
    try:
        return DebianVersion(normalised)
    except (InvalidVersion, ValueError):
        return DebianVersion("0~" + re.sub(r"[^0-9A-Za-z.~+]", ".", normalised))


def package_version_compare(left: str, right: str) -> int:
    """dpkg's comparison of two full package versions (epoch:upstream-revision): -1, 0 or 1."""
    a, b = DebianVersion(left), DebianVersion(right)
    return (a > b) - (a < b)


@dataclass(frozen=True)
class DetectedVersion:
    upstream: str  # "9.2p1"
    revision: str = ""  # the distribution's package revision: "2+deb12u3", "3ubuntu0.10"
    distribution: str = ""  # "Debian", "Ubuntu", "Red Hat", ... ("" = an upstream build as far as seen)
    release: str = ""  # Debian codename from debNuM ("bookworm"), or "el9"
    evidence: str = ""  # the text that showed the distribution build

    @property
    def distribution_build(self) -> bool:
        return bool(self.distribution)

    @property
    def package_version(self) -> str:
        """upstream-revision, the form Debian's tracker compares (the epoch is the tracker's)."""
        return f"{self.upstream}-{self.revision}" if self.revision else self.upstream


def upstream_of(version: str) -> str:
    """The leading upstream version of a version string: "9.2p1" of "9.2p1", "2.90" of
    "dnsmasq-2.90"-style remainders, "" when there is none."""
    found = UPSTREAM.search(version or "")
    return found.group(0) if found else ""


def detect_version(version: str, banner: str = "", extra_text: str = "") -> DetectedVersion:
    """The upstream version and any distribution build that the version string, the banner line
    and other announced text (an SSH comment, a Server header) show."""
    upstream = upstream_of(version)
    if not upstream:
        return DetectedVersion("")
    seen = " ".join(part for part in (version, banner, extra_text) if part)
    revision_match = REVISION.search(seen)
    revision = revision_match.group(1) if revision_match else ""
    if revision and revision.lower().startswith(upstream.lower() + "-"):
        revision = revision[len(upstream) + 1:]
    distribution = _distribution(seen, revision)
    release = _release(revision)
    evidence = revision_match.group(0).strip() if revision_match else _distribution_word(seen)
    if not distribution and FREEBSD_VERSION.search(version):
        distribution, evidence = "FreeBSD", version
    return DetectedVersion(upstream, revision, distribution, release, evidence)


def _distribution(seen: str, revision: str) -> str:
    lowered = revision.lower()
    if "ubuntu" in lowered:
        return "Ubuntu"
    if re.search(r"deb\d+u\d+", lowered):
        return "Raspbian" if "raspbian" in seen.lower() else "Debian"
    if re.search(r"[.+]el\d+", lowered):
        return "Red Hat"
    return distribution_of(seen)[0]


def distribution_of(text: str) -> tuple[str, str]:
    """(distribution, the word that shows it) a banner or header names without a revision:
    ("Debian", "Debian") for "Apache/2.4.62 (Debian)", ("", "") for none."""
    word = _distribution_word(text)
    if word.endswith("()"):
        return "Amazon Linux", word
    if FREEBSD_BASE.fullmatch(word):
        return "FreeBSD", word
    return (dict(DISTRIBUTION_WORDS).get(word.lower(), ""), word) if word else ("", "")


def _distribution_word(seen: str) -> str:
    """The distribution word as the banner spells it ("Debian", "centos", "Apache/2.4.62 ()"), "" for none."""
    special = EMPTY_OS_COMMENT.search(seen) or FREEBSD_BASE.search(seen)
    if special:
        return special.group(0)
    for word, _name in DISTRIBUTION_WORDS:  # a word, not part of a host name ("mx.debian.example")
        found = re.search(rf"(?<![a-z.]){re.escape(word)}(?![a-z]|\.[a-z])", seen, re.IGNORECASE)
        if found:
            return found.group(0)
    return ""


def _release(revision: str) -> str:
    found = re.search(r"deb(\d+)u\d+", revision)
    if found:
        return DEBIAN_RELEASES.get(found.group(1), f"debian{found.group(1)}")
    found = re.search(r"[.+](el\d+)", revision)
    return found.group(1) if found else ""

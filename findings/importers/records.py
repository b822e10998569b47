"""What a parser yields: hosts (as the report saw them) and findings (each with its address)."""

import re
from dataclasses import dataclass, field, replace

from scanning.engine.types import Finding, PortResult

from .errors import ReportError


@dataclass
class HostRecord:
    ip: str
    hostname: str = ""
    alive: bool = True
    os: str = ""
    mac: str = ""
    ports: list[PortResult] = field(default_factory=list)


@dataclass
class FindingRecord:
    ip: str
    finding: Finding
    hostname: str = ""


PORT = re.compile(r"(\d+)/(tcp|udp)\b", re.I)

# Severity levels of reports that carry a level but no score: the level's representative score.
LEVEL_SCORES = {"critical": 10.0, "high": 7.5, "medium": 5.0, "low": 2.0, "log": 0.0, "info": 0.0, "none": 0.0}


def parse_port(text: str) -> tuple[int, str]:
    """"443/tcp", "ftp (21/tcp)" (OpenVAS 6) -> (port, protocol); "general/tcp", "general/CPE-T",
    "" -> (0, "tcp"|"udp")."""
    found = PORT.search(text or "")
    if found:
        port = int(found.group(1))
        return (port if 0 < port < 65536 else 0), found.group(2).lower()
    return 0, "udp" if (text or "").strip().lower().endswith("/udp") else "tcp"


def port_number(value) -> int:
    """A port attribute ("443"; missing or empty is 0, the host's general items): ReportError when
    it is not a port number (0-65535)."""
    try:
        port = int(value or 0)
    except ValueError:
        port = -1
    if not 0 <= port < 65536:
        raise ReportError(f"A port of the report, {value!r}, is not a port number")
    return port


def to_float(text, default=None):
    try:
        return float(str(text).strip())
    except (TypeError, ValueError):
        return default


class Shared(dict):
    """One object per distinct value of a check's own texts (name, family, synopsis, description,
    solution, a Greenbone NVT's tags...), which a report repeats on every host the check fires on:
    `value = shared.setdefault(value, value)`. Equal values then are one object, which pickle
    sends once per message from the reader child and the command holds once. Never a result's
    own evidence (plugin output), which differs per host. `bound()` (once per host or result)
    keeps it under LIMIT entries."""

    LIMIT = 20_000

    def bound(self):
        if len(self) >= self.LIMIT:
            self.clear()


def split_list(text: str) -> tuple:
    """"CVE-1, CVE-2" / newline-separated -> ("CVE-1", "CVE-2"), without NOCVE placeholders."""
    items = [item.strip() for item in str(text or "").replace("\n", ",").split(",")]
    return tuple(dict.fromkeys(i for i in items if i and i.upper() not in ("NOCVE", "NOBID", "NOXREF")))


def own_cve(oid: str, cves: tuple) -> tuple:
    """Greenbone's CVE scanner reports one result per CVE with the CVE as its OID ("CVE-2021-26690")
    and an empty CVE list: the result is about that CVE."""
    return cves or ((oid,) if oid.upper().startswith("CVE-") else cves)


# What the storage takes (findings.models CheckInfo, Finding and Result, scanning.models RunHost;
# test_user_files checks these against the models): an identifier longer than its column, or a
# protocol that is not a word, is a bad file (422); a longer text is cut to its column.
NVT_MAX = 128
PROTOCOL = re.compile(r"[a-z0-9]{1,8}")
FINDING_TEXT_MAX = {"name": 512, "family": 64, "cvss_vector": 255}
HOST_TEXT_MAX = {"hostname": 255, "os": 255, "mac": 32}
SOLUTION_TYPES = {"VendorFix", "Workaround", "Mitigation", "WillNotFix", "NoneAvailable"}


def checked_protocol(protocol: str) -> str:
    if protocol not in ("tcp", "udp") and not PROTOCOL.fullmatch(protocol):
        raise ReportError(f"A protocol of the report, {protocol[:40]!r}, is not one (tcp, udp, ...)")
    return protocol


def fitted(finding: Finding) -> Finding:
    """The finding as the storage takes it (see NVT_MAX): ReportError for an identifier it
    cannot take, its texts cut to their columns, a solution type of no known kind left out."""
    if len(finding.nvt) > NVT_MAX:
        raise ReportError(f"A check id of the report is longer than {NVT_MAX} characters ({finding.nvt[:40]!r}...)")
    checked_protocol(finding.protocol)
    if (len(finding.name) <= FINDING_TEXT_MAX["name"] and len(finding.family) <= FINDING_TEXT_MAX["family"]
            and len(finding.cvss_vector) <= FINDING_TEXT_MAX["cvss_vector"]
            and (not finding.solution_type or finding.solution_type in SOLUTION_TYPES)):
        return finding  # nearly always
    changes = {name: getattr(finding, name)[:limit] for name, limit in FINDING_TEXT_MAX.items()}
    if finding.solution_type not in SOLUTION_TYPES:
        changes["solution_type"] = ""
    return replace(finding, **changes)


def host_text(name: str, value: str) -> str:
    return (value or "")[:HOST_TEXT_MAX[name]]

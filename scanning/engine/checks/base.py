"""What every check is: a small class with a stable id (`nvt`), its catalogue text, the CVSS v3.1
vector its severity is computed from, and `run()`, which looks at one open port of one host and
returns the findings it saw evidence for. Plain Python, no Django (the engine runs in a thread).

    @register
    class TelnetService(Check):
        nvt = "CG-3001"
        name = "Telnet service reachable"
        family = "remote_access"
        cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
        services = ("telnet",)
        ...
        async def run(self, ctx, host, port):
            return [self.finding(port, detection=f"Banner: {port.banner!r}")]

Ids are never renumbered or reused (docs/checks.md lists them); a retired check keeps its id."""

from dataclasses import replace
from functools import cache
from typing import ClassVar

from ..types import Finding, HostResult, PortResult

FAMILIES = (
    "ssl_tls", "web_servers", "remote_access", "ftp", "mail", "databases", "snmp", "dns",
    "known_vulnerable_versions",
)


@cache
def base_score(vector: str) -> float:
    """The CVSS base score of a vector (v3.x, or v2 for imported results), by the `cvss` library."""
    if not vector:
        return 0.0
    import cvss

    if vector.startswith("CVSS:3"):
        return float(cvss.CVSS3(vector).base_score)
    if vector.startswith("CVSS:4"):
        return float(cvss.CVSS4(vector).base_score)
    return float(cvss.CVSS2(vector).base_score)


class Check:
    nvt: ClassVar[str] = ""
    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    cvss_vector: ClassVar[str] = ""  # "" = a log-level (0.0) finding
    qod: ClassVar[int] = 70
    summary: ClassVar[str] = ""
    insight: ClassVar[str] = ""
    affected: ClassVar[str] = ""
    impact: ClassVar[str] = ""
    solution: ClassVar[str] = ""
    solution_type: ClassVar[str] = "Mitigation"
    cves: ClassVar[tuple] = ()
    references: ClassVar[tuple] = ()
    pci_fail: ClassVar[bool] = False
    services: ClassVar[tuple] = ()  # service names (PortResult.service) it applies to
    protocol: ClassVar[str] = "tcp"
    tls_only: ClassVar[bool] = False  # applies to every port that speaks TLS, whatever the service

    @classmethod
    def severity(cls) -> float:
        return base_score(cls.cvss_vector)

    def applies(self, host: HostResult, port: PortResult) -> bool:
        if port.protocol != self.protocol:
            return False
        if self.tls_only:
            return port.tls
        return port.service in self.services

    async def run(self, ctx, host: HostResult, port: PortResult) -> list[Finding]:
        """The findings on this port, each with its evidence; [] when the weakness is absent.
        Every socket goes through ctx (time-outs, the guard, the concurrency bound)."""
        raise NotImplementedError

    def finding(self, port: PortResult | None, detection: str, **overrides) -> Finding:
        """A Finding carrying this check's catalogue text; `overrides` replace any field (e.g. a
        version matcher's per-CVE name, vector and qod)."""
        finding = Finding(
            nvt=self.nvt, name=self.name, family=self.family,
            port=port.port if port is not None else 0, protocol=port.protocol if port is not None else self.protocol,
            cvss_vector=self.cvss_vector, severity=self.severity(), qod=self.qod, detection=detection,
            summary=self.summary, insight=self.insight, affected=self.affected, impact=self.impact,
            solution=self.solution, solution_type=self.solution_type, cves=tuple(self.cves),
            references=tuple(self.references), pci_fail=self.pci_fail,
        )
        if overrides:
            if "cvss_vector" in overrides and "severity" not in overrides:
                overrides["severity"] = base_score(overrides["cvss_vector"])
            finding = replace(finding, **overrides)
        return finding


CATALOGUE: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: adds a check to the catalogue (its id must be new)."""
    assert cls.nvt and cls.nvt not in CATALOGUE, f"duplicate or missing check id {cls.nvt!r}"
    assert cls.family in FAMILIES, f"{cls.nvt}: unknown family {cls.family!r}"
    CATALOGUE[cls.nvt] = cls
    return cls

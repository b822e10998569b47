"""What the lab plants: one record per port with the check ids a scan must find there."""

from dataclasses import dataclass

WEAK, HARDENED = "weak", "hardened"

# The scorecard's families: the catalogue's, SSL/TLS and web counted apart
FAMILIES = ("ssl_tls", "web_servers", "remote_access", "ftp", "mail", "databases", "snmp", "dns",
            "known_vulnerable_versions")


@dataclass(frozen=True)
class LabPort:
    """One listening port of the lab. `expected`: the planted weaknesses, as check ids (every one
    must be found, at any severity); `allowed`: findings below medium that are true but not
    planted (listed, counted neither way). A hardened port expects nothing: any finding there at
    medium or higher is a false alarm. `distribution`: a Debian build whose version-only matches
    must carry QoD 30 (and so stay out of the default lists)."""

    name: str
    family: str
    variant: str
    port: int
    protocol: str = "tcp"
    expected: frozenset = frozenset()
    allowed: frozenset = frozenset()
    distribution: bool = False

    @property
    def label(self) -> str:
        return f"{self.port}/{self.protocol}"


def lab_port(name, family, variant, port, protocol="tcp", expected=(), allowed=(), distribution=False) -> LabPort:
    return LabPort(name, family, variant, port, protocol, frozenset(expected), frozenset(allowed), distribution)


# Findings every web port without hardening headers may carry (log/low: no false alarm)
HEADER_LOGS = {"CG-2002", "CG-2003", "CG-2004"}

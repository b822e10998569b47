"""The engine's data: what to scan (ScanPlan), what it found (HostResult, PortResult) and the
caller's side of a run (Reporter). Plain data, no Django: the engine runs in a worker thread."""

from dataclasses import dataclass, field
from typing import Protocol

ALIVE_TESTS = ("tcp_ping", "icmp_ping", "arp_ping", "consider_alive")
STAGES = ("expand", "alive", "portscan", "services", "checks")


@dataclass
class ScanPlan:
    addresses: list[str]  # already expanded, excluded and blocked-filtered IPs
    hostnames: list[str] = ()  # resolved at scan time (stage 1); the name stays on the host result
    tcp_ports: list[int] = ()
    udp_ports: list[int] = ()
    alive_test: str = "tcp_ping"  # one of ALIVE_TESTS
    use_nmap: bool = True  # use nmap when the binary is present (-sn for icmp/arp, -sV refinement)
    max_concurrency: int = 512  # concurrent sockets overall
    per_host_concurrency: int = 128
    connect_timeout: float = 1.0  # the ceiling; the real time-out adapts to measured round trips
    service_timeout: float = 3.0
    nmap_port_timeout: float = 15.0  # nmap -sV's --host-timeout for each port it is asked about
    blocked_networks: list = ()  # ip_network objects: never touched, resolved names included
    service_detection: bool = True  # False stops after the port scan (discovery only, benchmarks)
    families: tuple = ()  # check families to run (scan profile); empty runs no checks
    feed_path: str = ""  # the imported vulnerability feed (known_vulnerable_versions); "" = shipped feed only
    check_timeout: float = 5.0  # every socket a check opens
    check_concurrency: int = 64  # checks running at once, over all hosts


@dataclass
class Finding:
    """One weakness on one host and port, with the evidence seen. Built-in checks, the version
    matcher and the report importers all produce these; the findings ingestion stores them.
    Its identity (fingerprint) is (organization, nvt, host ip, port, protocol)."""

    nvt: str  # check id: "CG-1001" for built-in checks, a Greenbone OID or "nessus:12345" when imported
    name: str
    family: str = ""
    port: int = 0  # 0 = general (not bound to a port)
    protocol: str = "tcp"  # tcp | udp
    cvss_vector: str = ""  # CVSS:3.1/AV:N/... (or a v2 vector for imported results)
    severity: float = 0.0  # CVSS base score, 0.0-10.0
    qod: int = 70  # quality of detection, %
    detection: str = ""  # the evidence: banner line, header value, certificate field, protocol
    summary: str = ""
    insight: str = ""
    affected: str = ""
    impact: str = ""
    solution: str = ""
    solution_type: str = ""  # VendorFix | Workaround | Mitigation | WillNotFix | NoneAvailable
    cves: tuple = ()
    references: tuple = ()
    pci_fail: bool = False
    source: str = "builtin"  # builtin | version_match | gvm | nessus | nmap


@dataclass
class PortResult:
    port: int
    protocol: str  # "tcp" | "udp"
    state: str = "open"
    service: str = "unknown"  # http, https, ssh, ftp, smtp, dns, ... or unknown
    product: str = ""
    version: str = ""
    cpe: str = ""  # CPE 2.2 URI as nmap writes it: cpe:/a:openbsd:openssh:8.9p1
    tls: bool = False
    banner: str = ""
    extra: dict = field(default_factory=dict)  # {"tls": {...}, "http": {...}, "nmap": {...}, ...}


@dataclass
class HostResult:
    ip: str
    hostname: str = ""
    alive: bool = True
    ports: list[PortResult] = field(default_factory=list)
    os: str = ""
    mac: str = ""
    complete: bool = True  # False when a stop cut the host's port scan, detection or checks short
    findings: list[Finding] = field(default_factory=list)


class Reporter(Protocol):
    def progress(self, stage: str, percent: float) -> None:
        """stage is one of STAGES; percent is of the whole run, 0-100, never decreasing."""

    def should_stop(self) -> bool:
        """Polled a few times a second; True makes the run return its partial results."""

    def store_hosts(self, hosts: list[HostResult]) -> None:
        """Finished hosts, in batches; every host of the run is passed exactly once."""


class QuietReporter:
    """A Reporter for a run nobody watches (benchmarks, tests, one-off scans): no progress, never
    stopped, and the hosts are read from what `run()` returns."""

    def progress(self, stage: str, percent: float) -> None:
        pass

    def should_stop(self) -> bool:
        return False

    def store_hosts(self, hosts: list[HostResult]) -> None:
        pass

"""From a parser's records to complete hosts (HostResults with their ports and findings), each
host once, its findings de-duplicated per fingerprint (nvt, port, protocol: the highest severity
wins).

Most reports list each host's items together (Nessus `ReportHost`, nmap `host`, Greenbone CSV
sorted by host): their hosts are handed over as the parser closes them, while the rest of the file
is still being read. When a host turns up again after it was handed over (a Greenbone CSV sorted
by severity, two Nessus ReportHosts of one address), `RESTART` is yielded: the consumer forgets
what it received, and the file is read again into a spool (a temporary SQLite file, so memory stays
bounded) whose hosts then come out in address order. Greenbone XML lists the hosts' details after
all results: they are read from the end of the file first (HINTS) and checked as the file is read."""

import ipaddress
import marshal
import os
import sqlite3
import tempfile
from dataclasses import fields
from operator import attrgetter

from scanning.engine.types import Finding, HostResult, PortResult

from . import gvm, gvm_csv, nessus, nmap
from .errors import ReportError
from .packed import refuse_packed
from .records import FindingRecord, HostRecord, checked_protocol, fitted, host_text

FORMATS = {
    "nmap_xml": nmap.parse,
    "gvm_xml": gvm.parse_xml,
    "gvm_csv": gvm_csv.parse_csv,
    "nessus": nessus.parse,
}
# Greenbone's XML lists each host's details (OS, MAC, names) after all results: they are read from
# the file's end first, as hints (gvm.trailing_host_details).
HINTS = {"gvm_xml": gvm.trailing_host_details}
RESTART = "restart"  # a marker in read_hosts' output: forget the hosts so far, all come again
FINDING_FIELDS = attrgetter(*(f.name for f in fields(Finding)))  # a Finding as a tuple, Finding(*t) back
PORT_FIELDS = attrgetter(*(f.name for f in fields(PortResult)))


EVIDENCE_UNIT = 2048  # bytes of a finding's evidence that weigh as much as one more finding


def weight(host: HostResult) -> int:
    """What a host costs to hold: one, plus one per finding and per EVIDENCE_UNIT of their
    evidence, so a host whose plugin outputs are megabytes (a software inventory) counts for what
    it holds; messages and batches measured by it stay bounded in memory."""
    return 1 + len(host.findings) + sum(len(f.detection) for f in host.findings) // EVIDENCE_UNIT


class Scattered(Exception):
    """A host's records are not all together in the file."""


def parser_for(format_name: str):
    parse = FORMATS.get(format_name)
    if parse is None:
        raise ReportError(f"Unknown format {format_name!r}: one of {', '.join(FORMATS)}")
    return parse


def read_hosts(path, format_name: str, progress=None):
    """Yield the report's hosts (HostResults), each once and complete, or RESTART (see above);
    ReportError on anything wrong, possibly after some hosts were yielded. `progress(fraction,
    hosts)` hears how much of the file was read, and the number of hosts once it is known."""
    parse = parser_for(format_name)
    if os.path.getsize(path) == 0:
        raise ReportError("The file is empty")
    refuse_packed(path)
    addresses = Addresses()
    try:
        hints = {addresses[record.ip]: record for record in HINTS[format_name](path)} if format_name in HINTS else {}
    except ReportError:  # an odd address in the hint: the real pass will say
        hints = {}
    try:
        yield from grouped(parse(path, progress), addresses, hints)
        return
    except Scattered:
        yield RESTART
    with Spool() as spool:
        for record in parse(path, progress):
            spool.add(record)
        spool.finish()
        if progress is not None:
            progress(1.0, len(spool.groups))
        yield from spool.hosts()


def read_report(path, format_name: str) -> list[HostResult]:
    """Every host of a (small) report, read whole: ReportError on anything wrong."""
    hosts = []
    for host in read_hosts(path, format_name):
        if host == RESTART:
            hosts.clear()
        else:
            hosts.append(host)
    return hosts


class Addresses(dict):
    """Report address -> canonical form (IPv6 compressed), remembered: a host has many items."""

    def __missing__(self, value):
        try:
            canonical = str(ipaddress.ip_address(value.strip().strip("[]")))
        except ValueError:
            raise ReportError(f"{value!r} is not an IP address") from None
        self[value] = canonical
        return canonical


def grouped(records, addresses, hints=None):
    """Complete hosts from records that list each host's items together; Scattered otherwise.
    `hints` ({ip: HostRecord}, the host records the file has further on) are merged into their
    host when it closes; the real record then only confirms its hint (any difference, or a hint
    the file never confirms, is Scattered)."""
    hints = hints or {}
    current, closed, confirmed = None, set(), set()

    def close(group):
        if group.ip in hints:
            group.add(hints[group.ip])
        closed.add(group.ip)
        return group.result()

    for record in records:
        ip = addresses[record.ip]
        if ip in closed and hints.get(ip) == record:
            confirmed.add(ip)
            continue
        if current is None or ip != current.ip:
            if current is not None:
                yield close(current)
            if ip in closed:
                raise Scattered(ip)
            current = HostGroup(ip)
        if hints.get(ip) == record:
            confirmed.add(ip)
        current.add(record)
    if current is None:
        raise ReportError("The report holds no hosts")
    yield close(current)
    if not closed >= set(hints) or not confirmed >= set(hints):
        raise Scattered("hints the file did not confirm")


class HostGroup:
    """One host's records merged: the last non-empty name, OS and MAC; alive if any record says
    so (a finding does); the first view of a port; the most severe finding per fingerprint."""

    def __init__(self, ip):
        self.ip, self.hostname, self.alive, self.os, self.mac = ip, "", False, "", ""
        self.ports, self.findings = {}, {}

    def add(self, record):
        self.hostname = record.hostname or self.hostname
        if isinstance(record, HostRecord):
            self.alive = self.alive or record.alive
            self.os, self.mac = record.os or self.os, record.mac or self.mac
            for port in record.ports:
                self.ports.setdefault((port.port, port.protocol), port)
        elif isinstance(record, FindingRecord):
            self.alive = True
            finding = record.finding
            key = (finding.nvt, finding.port, finding.protocol)
            kept = self.findings.get(key)
            if kept is None or finding.severity > kept.severity:
                self.findings[key] = finding

    def result(self) -> HostResult:
        return host_result(self.ip, self.hostname, self.alive, self.os, self.mac, self.ports,
                           [self.findings[key] for key in sorted(self.findings)])


def host_result(ip, hostname, alive, os_name, mac, ports, findings) -> HostResult:
    """The HostResult as the storage takes it (records.fitted); a finding's port the report did
    not list as open is listed too."""
    findings = [fitted(finding) for finding in findings]
    for finding in findings:
        if finding.port and (finding.port, finding.protocol) not in ports:
            ports[(finding.port, finding.protocol)] = PortResult(port=finding.port, protocol=finding.protocol)
    for _port, protocol in ports:
        checked_protocol(protocol)
    return HostResult(ip=ip, hostname=host_text("hostname", hostname), alive=bool(alive), os=host_text("os", os_name),
                      mac=host_text("mac", mac), ports=sorted(ports.values(), key=lambda p: (p.protocol, p.port)),
                      findings=findings)


SCHEMA = """
create table port (ip text, port integer, protocol text, body blob, primary key (ip, port, protocol)) without rowid;
create table finding (ip text, nvt text, port integer, protocol text, severity real, body blob,
                      primary key (ip, nvt, port, protocol)) without rowid;
"""
FLUSH_EVERY = 2000


class Spool:
    """The records of a scattered report in a temporary SQLite file (host fields in memory: a few
    per host), merged with the same rules as HostGroup, read back per host in address order."""

    def __init__(self):
        handle, self.path = tempfile.mkstemp(prefix="cg-import-", suffix=".sqlite3")
        os.close(handle)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("pragma journal_mode=off; pragma synchronous=off;" + SCHEMA)
        self.addresses, self.groups = Addresses(), {}
        self.ports, self.findings = [], []

    def add(self, record) -> None:
        ip = self.addresses[record.ip]
        group = self.groups.get(ip)
        if group is None:
            group = self.groups[ip] = HostGroup(ip)
        if isinstance(record, HostRecord):
            group.add(HostRecord(ip, record.hostname, record.alive, record.os, record.mac))
            self.ports.extend((ip, p.port, p.protocol, marshal.dumps(PORT_FIELDS(p))) for p in record.ports)
        elif isinstance(record, FindingRecord):
            group.hostname, group.alive = record.hostname or group.hostname, True
            f = record.finding
            self.findings.append((ip, f.nvt, f.port, f.protocol, f.severity, marshal.dumps(FINDING_FIELDS(f))))
        if len(self.findings) + len(self.ports) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        self.db.executemany("insert into port values (?, ?, ?, ?) on conflict do nothing", self.ports)
        self.db.executemany(
            "insert into finding values (?, ?, ?, ?, ?, ?) on conflict do update set severity = excluded.severity, "
            "body = excluded.body where excluded.severity > finding.severity", self.findings)
        self.ports, self.findings = [], []

    def finish(self) -> None:
        self.flush()
        if not self.groups:
            raise ReportError("The report holds no hosts")
        self.db.commit()

    def hosts(self):
        ports = self.db.execute("select ip, body from port order by ip")
        findings = self.db.execute("select ip, body from finding order by ip, nvt, port, protocol")
        port_row, finding_row = next(ports, None), next(findings, None)
        for ip in sorted(self.groups):
            group = self.groups[ip]
            host_ports, host_findings = {}, []
            while port_row is not None and port_row[0] == ip:
                port = PortResult(*marshal.loads(port_row[1]))  # noqa: S302 (our own spool file)
                host_ports[(port.port, port.protocol)] = port
                port_row = next(ports, None)
            while finding_row is not None and finding_row[0] == ip:
                host_findings.append(Finding(*marshal.loads(finding_row[1])))  # noqa: S302 (our own spool file)
                finding_row = next(findings, None)
            yield host_result(ip, group.hostname, group.alive, group.os, group.mac, host_ports, host_findings)

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if os.path.exists(self.path):
                os.unlink(self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

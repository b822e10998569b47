"""Reading a report into a spool: every host and finding the parser yields goes into a temporary
SQLite file, de-duplicated per fingerprint (ip, nvt, port, protocol: the highest severity wins) and
grouped per host, so the whole file is checked before anything is stored and the hosts then come
out in batches whatever order the report used."""

import ipaddress
import os
import sqlite3
import tempfile

import orjson

from scanning.engine.types import Finding, HostResult, PortResult

from . import gvm, gvm_csv, nessus, nmap
from .errors import ReportError
from .records import FindingRecord, HostRecord

FORMATS = {
    "nmap_xml": nmap.parse,
    "gvm_xml": gvm.parse_xml,
    "gvm_csv": gvm_csv.parse_csv,
    "nessus": nessus.parse,
}

SCHEMA = """
create table host (ip text primary key, hostname text, alive integer, os text, mac text);
create table port (ip text, port integer, protocol text, body blob, primary key (ip, port, protocol));
create table finding (ip text, nvt text, port integer, protocol text, severity real, body blob,
                      primary key (ip, nvt, port, protocol));
"""


def read_report(path, format_name: str) -> "Spool":
    """Parse the whole report (ReportError on anything wrong) into a Spool."""
    parse = FORMATS.get(format_name)
    if parse is None:
        raise ReportError(f"Unknown format {format_name!r}: one of {', '.join(FORMATS)}")
    if os.path.getsize(path) == 0:
        raise ReportError("The file is empty")
    spool = Spool()
    try:
        for record in parse(path):
            spool.add(record)
        if spool.host_count == 0:
            raise ReportError("The report holds no hosts")
    except BaseException:
        spool.close()
        raise
    spool.db.commit()
    return spool


def canonical_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip().strip("[]")))
    except ValueError:
        raise ReportError(f"{value!r} is not an IP address") from None


class Spool:
    def __init__(self):
        handle, self.path = tempfile.mkstemp(prefix="cg-import-", suffix=".sqlite3")
        os.close(handle)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("pragma journal_mode=off; pragma synchronous=off;" + SCHEMA)
        self.hosts: set[str] = set()

    @property
    def host_count(self) -> int:
        return len(self.hosts)

    def add(self, record) -> None:
        ip = canonical_ip(record.ip)
        if isinstance(record, HostRecord):
            self._host(ip, record.hostname, record.alive, record.os, record.mac)
            self.db.executemany(
                "insert into port values (?, ?, ?, ?) on conflict do nothing",
                [(ip, p.port, p.protocol, orjson.dumps(p)) for p in record.ports],
            )
        elif isinstance(record, FindingRecord):
            self._host(ip, record.hostname, True, "", "")
            f = record.finding
            self.db.execute(
                "insert into finding values (?, ?, ?, ?, ?, ?) on conflict do update set "
                "severity = excluded.severity, body = excluded.body where excluded.severity > finding.severity",
                (ip, f.nvt, f.port, f.protocol, f.severity, orjson.dumps(f)),
            )

    def _host(self, ip, hostname, alive, os_name, mac) -> None:
        self.hosts.add(ip)
        self.db.execute(
            "insert into host values (?, ?, ?, ?, ?) on conflict do update set "
            "hostname = coalesce(nullif(excluded.hostname, ''), host.hostname), "
            "alive = max(host.alive, excluded.alive), os = coalesce(nullif(excluded.os, ''), host.os), "
            "mac = coalesce(nullif(excluded.mac, ''), host.mac)",
            (ip, hostname or "", int(bool(alive)), os_name or "", mac or ""),
        )

    @property
    def finding_count(self) -> int:
        return self.db.execute("select count(*) from finding").fetchone()[0]

    def hosts_with_names(self):
        return list(self.db.execute("select ip, hostname from host order by ip"))

    def host_batches(self, size: int = 500, allowed=None):
        """Lists of HostResults (with ports and findings), `size` hosts at a time, in address
        order; `allowed(ip, hostname) -> bool` leaves hosts out."""
        batch = []
        for ip, hostname, alive, os_name, mac in self.db.execute("select ip, hostname, alive, os, mac from host order by ip"):
            if allowed is not None and not allowed(ip, hostname or ""):
                continue
            batch.append(self._host_result(ip, hostname, alive, os_name, mac))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _host_result(self, ip, hostname, alive, os_name, mac) -> HostResult:
        ports = {(p, proto): PortResult(**orjson.loads(body)) for p, proto, body in
                 self.db.execute("select port, protocol, body from port where ip = ?", (ip,))}
        findings = []
        for (body,) in self.db.execute("select body from finding where ip = ? order by nvt, port, protocol", (ip,)):
            data = orjson.loads(body)
            data["cves"], data["references"] = tuple(data["cves"]), tuple(data["references"])
            finding = Finding(**data)
            findings.append(finding)
            if finding.port and (finding.port, finding.protocol) not in ports:
                ports[(finding.port, finding.protocol)] = PortResult(port=finding.port, protocol=finding.protocol)
        return HostResult(ip=ip, hostname=hostname or "", alive=bool(alive), os=os_name or "", mac=mac or "",
                          ports=sorted(ports.values(), key=lambda p: (p.protocol, p.port)), findings=findings)

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

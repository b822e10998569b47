"""One report data structure for every format and type: the header (who, what, when, branding),
the summary figures (aggregate queries), and the findings as a lazy, chunked stream in the order
the type wants. Renderers only read it; none of them loads every finding at once."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from events.services.whitelabel import effective
from findings.choices import SeverityLevel
from findings.services.statistics import LEVELS

from . import selection

TOP_LIMIT = 10
TREND_RUNS = 8
ORDER = {
    "detailed": ("ip", "-severity", "port", "nvt"),
    "executive": ("-severity", "ip", "port", "nvt"),
    "remediation": ("check_info__solution", "check_info__name", "ip", "port"),
    "pci_attestation": ("ip", "-severity", "port", "nvt"),
}
BY_VULNERABILITY = ("nvt", "ip", "port")


@dataclass
class ReportData:
    title: str
    type: str
    organization_name: str
    branding: dict
    generated_at: datetime
    scope: dict  # scan, target, run dates (run report) or filters (advanced report)
    summary: dict  # severity_counts, max_severity, pci_status, host_count, finding_count, delta
    hosts: list  # [{ip, hostname, os, severity_counts, max_severity, vulnerability_count, pci_status}]
    top: list  # [{nvt, name, severity, severity_level, count, hosts}]
    trend: list  # [{date, severity_counts, pci_status}] oldest first
    exceptions: list  # [{nvt, name, ip, port, text, original_severity}] (false positives and accepted risks)
    group_by: str = "host"
    _results: object = field(default=None, repr=False)

    def findings(self):
        """Every counted finding (excepted ones apart), as dicts, in the type's order."""
        order = BY_VULNERABILITY if self.group_by == "vulnerability" else ORDER.get(self.type, ORDER["detailed"])
        rows = selection.rows(self._results.exclude(severity_level=SeverityLevel.FALSE_POSITIVE), order)
        return (finding_view(row) for row in rows)

    def group_count(self) -> int:
        """How many headings the findings stream starts (hosts, solutions or checks)."""
        key = "nvt" if self.group_by == "vulnerability" else ("check_info__solution" if self.type == "remediation" else "ip")
        return self._results.exclude(severity_level=SeverityLevel.FALSE_POSITIVE).order_by().values(key).distinct().count()

    @property
    def finding_count(self) -> int:
        return self.summary["finding_count"]


FINDING_COLUMNS = (
    "host", "hostname", "port", "nvt", "name", "family", "severity", "severity_level", "original_severity",
    "cvss_vector", "qod", "pci_fail", "cves", "references", "summary", "insight", "affected", "impact",
    "detection", "solution", "solution_type", "excepted", "exception", "scan",
)


def finding_view(row) -> dict:
    """A result row as every renderer sees it (FINDING_COLUMNS, in that order)."""
    port = f"{row['port']}/{row['protocol']}" if row["port"] else f"general/{row['protocol']}"
    return {
        "host": row["ip"], "hostname": row["hostname"], "port": port, "nvt": row["nvt"],
        "name": row["name"] or row["check_info__name"], "family": row["check_info__family"],
        "severity": row["severity"], "severity_level": row["severity_level"], "original_severity": row["original_severity"],
        "cvss_vector": row["cvss_vector"], "qod": row["qod"], "pci_fail": row["pci_fail"],
        "cves": list(row["check_info__cves"] or []), "references": list(row["check_info__references"] or []),
        "summary": row["check_info__summary"], "insight": row["check_info__insight"],
        "affected": row["check_info__affected"], "impact": row["check_info__impact"], "detection": row["detection"],
        "solution": row["check_info__solution"], "solution_type": row["check_info__solution_type"],
        "excepted": row["exception_id"] is not None, "exception": row["exception__text"] or "", "scan": row["scan__name"],
    }


def for_run(report, report_type) -> ReportData:
    run, scan = report.run, report.scan
    results = selection.run_results(run)
    scope = {
        "scan": scan.name, "target": scan.target.name, "target_hosts": scan.target.hosts,
        "started_at": run.started_at, "finished_at": run.finished_at, "run_id": str(run.pk),
        "triggered_by": run.triggered_by, "partial": run.partial,
    }
    summary = summarize(results, run.pci_status, run.delta or {}, run.hosts_alive or report.host_count)
    return ReportData(
        title=f"{scan.name}", type=report_type, organization_name=report.organization.name,
        branding=effective(report.organization_id)["values"], generated_at=timezone.now(), scope=scope,
        summary=summary, hosts=host_rows(results), top=top_rows(results), trend=trend_of(scan, run),
        exceptions=exception_rows(results), _results=results,
    )


def for_advanced(advanced, report_type) -> ReportData:
    results = selection.advanced_results(advanced)
    runs = list(selection.advanced_runs(advanced).select_related("scan"))
    verdicts = {run.pci_status for run in runs}
    pci_status = "fail" if "fail" in verdicts else ("pass" if verdicts == {"pass"} else None)
    scope = {"filters": advanced.filters or {}, "scans": sorted({run.scan.name for run in runs}), "runs": len(runs),
             "description": advanced.description}
    summary = summarize(results, pci_status, {}, None)
    return ReportData(
        title=advanced.name, type=report_type, organization_name=advanced.organization.name,
        branding=effective(advanced.organization_id)["values"], generated_at=timezone.now(), scope=scope,
        summary=summary, hosts=host_rows(results), top=top_rows(results), trend=[],
        exceptions=exception_rows(results), group_by=advanced.group_by, _results=results,
    )


def summarize(results, pci_status, delta, hosts_alive) -> dict:
    counted = results.exclude(severity_level=SeverityLevel.FALSE_POSITIVE)
    figures = counted.aggregate(
        finding_count=Count("pk"), max_severity=Max("severity"), host_count=Count("ip", distinct=True),
        **{level: Count("pk", filter=Q(severity_level=level)) for level in LEVELS},
    )
    return {
        "severity_counts": {level: figures[level] for level in LEVELS}, "max_severity": figures["max_severity"],
        "finding_count": figures["finding_count"], "pci_status": pci_status, "delta": delta,
        "host_count": hosts_alive if hosts_alive is not None else figures["host_count"],
        "hosts_with_findings": figures["host_count"],
    }


def host_rows(results) -> list:
    """Per host: counts by level, maximum, PCI component compliance (fail when a finding there has
    severity >= 4.0 or is an automatic failure)."""
    hosts = {}
    rows = (results.exclude(severity_level=SeverityLevel.FALSE_POSITIVE).order_by()
            .values("ip", "hostname", "severity_level").annotate(n=Count("pk"), top=Max("severity"),
                                                                  fails=Count("pk", filter=Q(severity__gte=4.0) | Q(pci_fail=True))))
    for row in rows:
        host = hosts.setdefault(row["ip"], {"ip": row["ip"], "hostname": row["hostname"], "vulnerability_count": 0,
                                            "severity_counts": dict.fromkeys(LEVELS, 0), "max_severity": None, "fails": 0})
        host["hostname"] = host["hostname"] or row["hostname"]
        host["vulnerability_count"] += row["n"]
        host["severity_counts"][row["severity_level"]] += row["n"]
        host["max_severity"] = max(host["max_severity"] or 0.0, row["top"])
        host["fails"] += row["fails"]
    for host in hosts.values():
        host["pci_status"] = "fail" if host.pop("fails") else "pass"
    return sorted(hosts.values(), key=lambda h: (-(h["max_severity"] or 0.0), ip_key(h["ip"])))


def ip_key(ip):
    import ipaddress

    address = ipaddress.ip_address(ip)
    return (address.version, int(address))


def top_rows(results) -> list:
    rows = (results.exclude(severity_level=SeverityLevel.FALSE_POSITIVE).order_by()
            .values("nvt", "name", "check_info__name", "severity_level")
            .annotate(count=Count("pk"), hosts=Count("ip", distinct=True), severity=Max("severity"))
            .order_by("-severity", "-count", "nvt")[:TOP_LIMIT])
    return [{"nvt": r["nvt"], "name": r["name"] or r["check_info__name"], "severity": r["severity"],
             "severity_level": r["severity_level"], "count": r["count"], "hosts": r["hosts"]} for r in rows]


def trend_of(scan, run) -> list:
    from scanning.choices import RunStatus
    from scanning.models import ScanRun

    runs = (ScanRun.objects.filter(scan=scan, status=RunStatus.DONE, finished_at__lte=run.finished_at or timezone.now())
            .order_by("-finished_at").values("finished_at", "severity_counts", "pci_status")[:TREND_RUNS])
    return [{"date": r["finished_at"], "severity_counts": {lv: (r["severity_counts"] or {}).get(lv, 0) for lv in LEVELS},
             "pci_status": r["pci_status"]} for r in reversed(list(runs))]


def exception_rows(results) -> list:
    rows = (results.filter(exception__isnull=False).order_by("ip", "port", "nvt")
            .values("nvt", "name", "check_info__name", "ip", "port", "protocol", "severity", "original_severity",
                    "exception__text", "exception__end_time"))
    grouped = defaultdict(list)
    for row in rows.iterator(chunk_size=2000):
        grouped[row["ip"]].append({
            "nvt": row["nvt"], "name": row["name"] or row["check_info__name"], "ip": row["ip"],
            "port": f"{row['port']}/{row['protocol']}" if row["port"] else f"general/{row['protocol']}",
            "severity": row["severity"], "original_severity": row["original_severity"],
            "text": row["exception__text"], "end_time": row["exception__end_time"],
        })
    return [item for ip in sorted(grouped, key=ip_key) for item in grouped[ip]]

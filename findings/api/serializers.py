"""Read side of the findings resources (resources.md vulnerability, host, exception): attributes
built by hand from rows read with their check and host in the same query (no per-row queries).
Counts a row cannot carry (a host's findings) come in the serializer context, computed once per
page by findings.services.statistics."""

from config.api.rows import ALIAS
from config.api.serializers import ResourceSerializer, iso_timestamp
from findings.api.rows import HOST_COLUMNS, VulnerabilityRow, finding_counts, host_figures
from findings.models import Finding, FindingException, Host, Result
from scanning.api.rows import RowSerializer, json_column, row_of, row_stamps

# A run's result has a delta against the previous run; as a vulnerability it shows the status
# the fingerprint had in that run.
STATUS_OF_DELTA = {"new": "new", "persisting": "open", "reopened": "reopened"}


def stamps(obj):
    return {"created_at": iso_timestamp(obj.created_at), "updated_at": iso_timestamp(obj.updated_at)}


def port_label(row):
    return f"{row.port}/{row.protocol}" if row.port else f"general/{row.protocol}"


def reference(pk):
    return {"id": str(pk)} if pk is not None else None


def check_attributes(row):
    """What a finding and a run's result share: the check's text and this hit's evidence."""
    check = row.check_info
    return {
        "name": row.name or check.name, "nvt": row.nvt, "family": check.family, "port": port_label(row),
        "severity": row.severity, "original_severity": row.original_severity,
        "severity_level": row.severity_level, "cvss_vector": row.cvss_vector or check.cvss_vector,
        "qod": row.qod, "cves": check.cves, "references": check.references, "summary": check.summary,
        "insight": check.insight, "affected": check.affected, "impact": check.impact,
        "detection": row.detection, "solution": check.solution, "solution_type": check.solution_type or None,
        "pci_fail": row.pci_fail, "excepted": row.exception_id is not None,
        "exception": reference(row.exception_id), "scan": reference(row.scan_id),
    }


VULNERABILITY_RELATIONSHIPS = {
    "organization": ("organization_id", "organization"), "exception": ("exception_id", "exception"),
    "scan": ("scan_id", "scan"),
}


class VulnerabilitySerializer(ResourceSerializer):
    """A current finding (GET /v2/vulnerabilities); read with select_related check_info, host."""

    resource_type = "vulnerability"
    relationships = {**VULNERABILITY_RELATIONSHIPS, "history": ("run_id", "scan_history"), "host": ("host_id", "host")}

    class Meta:
        model = Finding
        fields = ("id",)

    def to_representation(self, instance):  # lists pass plain rows (findings/api/rows.py)
        return super().to_representation(VulnerabilityRow(instance) if isinstance(instance, dict) else instance)

    def attributes(self, f):
        host = f.host
        return {
            **check_attributes(f), "host": {"id": str(f.host_id), "ip": host.ip, "hostname": host.hostname or f.hostname or None},
            "status": f.status, "first_seen": iso_timestamp(f.first_seen), "last_seen": iso_timestamp(f.last_seen),
            "fixed_at": iso_timestamp(f.fixed_at), "history": reference(f.run_id), **stamps(f),
        }


class ResultSerializer(ResourceSerializer):
    """One run's result (GET /v2/scans/{id}/vulnerabilities), in the vulnerability shape. Context
    `host_ids` maps an address to the run's host record (GET /v2/scans/{id}/hosts/{host_id})."""

    resource_type = "vulnerability"
    relationships = {**VULNERABILITY_RELATIONSHIPS, "history": ("run_id", "scan_history"),
                     "finding": ("finding_id", "vulnerability")}

    class Meta:
        model = Result
        fields = ("id",)

    def attributes(self, r):
        host_id = self.context.get("host_ids", {}).get(r.ip)
        first_seen = r.finding.first_seen if r.finding_id and r.delta != "new" else r.created_at
        return {
            **check_attributes(r), "host": {"id": str(host_id) if host_id else None, "ip": r.ip, "hostname": r.hostname or None},
            "status": STATUS_OF_DELTA.get(r.delta, r.delta), "delta": r.delta,
            "first_seen": iso_timestamp(first_seen), "last_seen": iso_timestamp(r.created_at),
            "history": reference(r.run_id), **stamps(r),
        }


class HostSerializer(RowSerializer):
    """The inventory host. Lists pass plain rows with their counts (findings/api/rows.py); a
    single host's counts come in the context (`host_counts`: {host id: counts} under the request's
    `min_qod`), with `vulnerabilities` (detail only) its current findings."""

    resource_type = "host"
    relationships = {"organization": ("organization_id", "organization")}

    class Meta:
        model = Host
        fields = ("id",)

    def row_of_instance(self, host):
        return {**row_of(host, HOST_COLUMNS[:-1]),
                "finding_counts": finding_counts(self.context.get("host_counts", {}).get(host.pk))}

    def listed(self, row):
        ports = json_column(row, "ports")
        attributes = {
            "ip": row["ip"], "hostname": row["hostname"] or None, "os": row["os"] or None, "mac": row["mac"] or None,
            "first_seen": row[ALIAS + "first_seen"], "last_seen": row[ALIAS + "last_seen"],
            "ports": [{k: p.get(k) for k in ("port", "protocol", "service", "product", "version", "cpe")} for p in ports],
            **host_figures(row["finding_counts"]), "product": row["product"], **row_stamps(row),
        }
        if "vulnerabilities" in self.context:
            attributes["services"] = sorted({p["service"] for p in ports if p.get("service")})
            attributes["vulnerabilities"] = self.context["vulnerabilities"]
        return attributes


class ExceptionSerializer(ResourceSerializer):
    resource_type = "exception"
    relationships = {"organization": ("organization_id", "organization"), "created_by": ("created_by_id", "user"),
                     "scan": ("scan_id", "scan")}

    class Meta:
        model = FindingException
        fields = ("id",)

    def attributes(self, e):
        from django.utils import timezone

        expired = e.expired_at is not None or (e.end_time is not None and e.end_time <= timezone.now())
        return {
            "text": e.text, "nvt": e.nvt, "hosts": list(e.hosts), "port": e.port or None,
            "scan": reference(e.scan_id), "task": reference(e.scan_id), "new_severity": e.new_severity,
            "active": e.active, "end_time": iso_timestamp(e.end_time), "expired": expired,
            "affected_count": e.affected_count, "created_by": reference(e.created_by_id), "product": e.product,
            **stamps(e),
        }

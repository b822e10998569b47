"""Read side of the findings resources (resources.md vulnerability, host, exception): attributes
built by hand from rows read with their check and host in the same query (no per-row queries).
Counts a row cannot carry (a host's findings) come in the serializer context, computed once per
page by findings.services.statistics."""

from config.api.rows import ALIAS
from config.api.serializers import ResourceSerializer, iso_timestamp
from findings.api.rows import HIT_COLUMNS, HOST_COLUMNS, VULNERABILITY_COLUMNS, finding_counts, host_figures
from findings.models import Finding, FindingException, Host, Result
from scanning.api.rows import RowSerializer, json_column, row_of, row_stamps

EXCEPTION_ID, SCAN_ID = ALIAS + "exception_id", ALIAS + "scan_id"

# A run's result has a delta against the previous run; as a vulnerability it shows the status
# the fingerprint had in that run.
STATUS_OF_DELTA = {"new": "new", "persisting": "open", "reopened": "reopened"}


def stamps(obj):
    return {"created_at": iso_timestamp(obj.created_at), "updated_at": iso_timestamp(obj.updated_at)}


def port_label(row):
    return port_text(row.port, row.protocol)


def port_text(port, protocol):
    return f"{port}/{protocol}" if port else f"general/{protocol}"


def reference(pk):
    return {"id": str(pk)} if pk is not None else None


def check_attributes(row):
    """What a finding and a run's result share: the check's text and this hit's evidence, from a
    listed row of HIT_COLUMNS (findings/api/rows.py; `row_of` reads an instance into one)."""
    return {
        "name": row["name"] or row["check_info__name"], "nvt": row["nvt"], "family": row["check_info__family"],
        "port": port_text(row["port"], row["protocol"]),
        "severity": row["severity"], "original_severity": row["original_severity"],
        "severity_level": row["severity_level"], "cvss_vector": row["cvss_vector"] or row["check_info__cvss_vector"],
        "qod": row["qod"], "cves": json_column(row, "check_info__cves"),
        "references": json_column(row, "check_info__references"), "summary": row["check_info__summary"],
        "insight": row["check_info__insight"], "affected": row["check_info__affected"],
        "impact": row["check_info__impact"], "detection": row["detection"], "solution": row["check_info__solution"],
        "solution_type": row["check_info__solution_type"] or None, "pci_fail": row["pci_fail"],
        "excepted": row[EXCEPTION_ID] is not None, "exception": reference(row[EXCEPTION_ID]),
        "scan": reference(row[SCAN_ID]),
    }


VULNERABILITY_RELATIONSHIPS = {
    "organization": ("organization_id", "organization"), "exception": ("exception_id", "exception"),
    "scan": ("scan_id", "scan"),
}


class VulnerabilitySerializer(RowSerializer):
    """A current finding (GET /v2/vulnerabilities). Lists pass plain rows (findings/api/rows.py);
    a single finding, read with select_related check_info, host and sighting, is read into one."""

    resource_type = "vulnerability"
    relationships = {**VULNERABILITY_RELATIONSHIPS, "history": ("run_id", "scan_history"), "host": ("host_id", "host")}

    class Meta:
        model = Finding
        fields = ("id",)

    def row_of_instance(self, finding):
        return {**row_of(finding, VULNERABILITY_COLUMNS), ALIAS + "last_seen": iso_timestamp(finding.last_seen),
                ALIAS + "run_id": str(finding.run_id) if finding.run_id else None}

    def listed(self, row):
        attributes = check_attributes(row)
        attributes.update(
            host={"id": row[ALIAS + "host_id"], "ip": row["host__ip"], "hostname": row["host__hostname"] or row["hostname"] or None},
            status=row["status"], first_seen=row[ALIAS + "first_seen"], last_seen=row[ALIAS + "last_seen"],
            fixed_at=row[ALIAS + "fixed_at"], history=reference(row[ALIAS + "run_id"]),
            created_at=row[ALIAS + "created_at"], updated_at=row[ALIAS + "updated_at"],
        )
        return attributes


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
            **check_attributes(row_of(r, HIT_COLUMNS)), "host": {"id": str(host_id) if host_id else None, "ip": r.ip, "hostname": r.hostname or None},
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

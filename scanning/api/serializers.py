"""Read side of the scanning resources (resources.md): attributes built by hand, fast."""

from config.api.rows import ALIAS
from config.api.serializers import ResourceSerializer, iso_timestamp
from findings.services.counts import empty_counts as run_counts  # a scan's and a run's: with false_positive
from findings.services.statistics import empty_counts as host_counts  # a host's: the four levels
from scanning.api.rows import RowSerializer, json_column, now_microseconds, row_stamps, run_row, scan_row, target_row
from scanning.models import PortList, RunHost, Scan, Scanner, ScanProfile, ScanRun, Schedule, Target

OWNED = {"organization": ("organization_id", "organization"), "created_by": ("created_by_id", "user")}


def stamps(obj):
    return {"created_at": iso_timestamp(obj.created_at), "updated_at": iso_timestamp(obj.updated_at)}


class PortListSerializer(ResourceSerializer):
    resource_type = "port_list"
    relationships = OWNED

    class Meta:
        model = PortList
        fields = ("id",)

    def attributes(self, pl):
        return {
            "name": pl.name, "port_ranges": pl.port_ranges, "comment": pl.comment, "predefined": pl.predefined,
            "port_count": {"all": pl.tcp_count + pl.udp_count, "tcp": pl.tcp_count, "udp": pl.udp_count}, **stamps(pl),
        }


class ScannerSerializer(ResourceSerializer):
    resource_type = "scanner"
    relationships = OWNED

    class Meta:
        model = Scanner
        fields = ("id",)

    def attributes(self, s):
        return {
            "name": s.name, "type": s.type, "host": s.host or None, "port": s.port, "ca_pub": s.ca_pub or None,
            "credential_set": bool(s.credential_encrypted), "status": s.status, "version": s.version or None,
            "last_seen_at": iso_timestamp(s.last_seen_at), "comment": s.comment, "predefined": s.predefined,
            "max_concurrent_scans": s.max_concurrent_scans, **stamps(s),
        }


class ScanProfileSerializer(ResourceSerializer):
    resource_type = "scan_profile"

    class Meta:
        model = ScanProfile
        fields = ("id",)

    def attributes(self, p):
        return {"name": p.name, "description": p.description, "families": p.families, "check_count": p.check_count,
                "active": p.active, "predefined": p.predefined, **stamps(p)}


class TargetSerializer(RowSerializer):
    """Context `show_credentials` (bool). Lists pass plain rows with `in_use` (scanning/api/rows.py);
    a single target asks its scans (or reads the context's `in_use_ids`, ids as text)."""

    resource_type = "target"
    relationships = {**OWNED, "port_list": ("port_list_id", "port_list")}

    class Meta:
        model = Target
        fields = ("id",)

    def row_of_instance(self, target):
        in_use = self.context.get("in_use_ids")
        return target_row(target, str(target.pk) in in_use if in_use is not None else target.scans.exists())

    def listed(self, row):
        return {
            "name": row["name"], "hosts": row["hosts"], "exclude_hosts": row["exclude_hosts"],
            "host_count": row["host_count"], "port_list": {"id": row[ALIAS + "port_list_id"], "name": row["port_list__name"]},
            "alive_test": row["alive_test"], "comment": row["comment"], "in_use": row["in_use"],
            "credentials": json_column(row, "credentials_public") if self.context.get("show_credentials") else None,
            "product": row["product"], **row_stamps(row),
        }


class ScheduleSerializer(ResourceSerializer):
    resource_type = "schedule"
    relationships = OWNED

    class Meta:
        model = Schedule
        fields = ("id",)

    def attributes(self, s):
        from scanning.services.schedules import icalendar_of

        in_use = self.context.get("in_use_ids")
        return {
            "name": s.name, "start_at": iso_timestamp(s.start_at), "timezone": s.timezone, "frequency": s.frequency,
            "interval": s.interval, "by_weekday": s.by_weekday, "by_monthday": s.by_monthday,
            "until": iso_timestamp(s.until), "count": s.count, "duration": s.duration,
            "next_run_at": iso_timestamp(s.next_run_at), "icalendar": icalendar_of(s),
            "in_use": str(s.pk) in in_use if in_use is not None else s.scans.exists(), "product": s.product, **stamps(s),
        }


class ScanSerializer(RowSerializer):
    resource_type = "scan"
    relationships = {
        **OWNED, "target": ("target_id", "target"), "scan_profile": ("scan_profile_id", "scan_profile"),
        "scanner": ("scanner_id", "scanner"), "schedule": ("schedule_id", "schedule"),
        "last_history": ("last_history_id", "scan_history"),
    }

    class Meta:
        model = Scan
        fields = ("id",)

    def row_of_instance(self, scan):
        return scan_row(scan)

    def listed(self, row):
        schedule_id = row[ALIAS + "schedule_id"]
        return {
            "name": row["name"], "target": {"id": row[ALIAS + "target_id"], "name": row["target__name"]},
            "scan_profile": {"id": row[ALIAS + "scan_profile_id"], "name": row["scan_profile__name"]},
            "scanner": {"id": row[ALIAS + "scanner_id"], "name": row["scanner__name"]},
            "schedule": {"id": schedule_id, "name": row["schedule__name"]} if schedule_id else None,
            "comment": row["comment"], "status": row["status"], "progress": row["progress"],
            "last_run_at": row[ALIAS + "last_run_at"], "next_run_at": row[ALIAS + "next_run_at"],
            "run_count": row["run_count"], "severity_counts": json_column(row, "severity_counts") or run_counts(),
            "max_severity": row["max_severity"], "pci_status": row["pci_status"], "max_checks": row["max_checks"],
            "max_hosts": row["max_hosts"], "product": row["product"], **row_stamps(row),
        }


class ScanRunSerializer(RowSerializer):
    resource_type = "scan_history"
    relationships = {"scan": ("scan_id", "scan"), "scanner": ("scanner_id", "scanner"),
                     "organization": ("organization_id", "organization")}

    class Meta:
        model = ScanRun
        fields = ("id",)

    def row_of_instance(self, run):
        return run_row(run)

    def listed(self, row):
        started, finished, scanner_id = row["started_us"], row["finished_us"], row[ALIAS + "scanner_id"]
        duration = (finished - started) / 1_000_000 if finished is not None and started is not None else None
        return {
            "scan": {"id": row[ALIAS + "scan_id"]}, "status": row["status"], "stage": row["stage"] or None,
            "progress": row["progress"], "queued_at": row[ALIAS + "queued_at"], "started_at": row[ALIAS + "started_at"],
            "finished_at": row[ALIAS + "finished_at"], "duration_seconds": round(duration, 3) if duration is not None else None,
            "host_count": row["host_count"], "hosts_alive": row["hosts_alive"],
            "severity_counts": json_column(row, "severity_counts") or run_counts(),
            "max_severity": row["max_severity"], "pci_status": row["pci_status"],
            "delta": json_column(row, "delta") or {"new": 0, "fixed": 0, "persisting": 0}, "error": row["error"] or None,
            "partial": row["partial"], "scanner": {"id": scanner_id} if scanner_id else None,
            "triggered_by": row["triggered_by"], "estimated_seconds_remaining": seconds_remaining(row), **row_stamps(row),
        }


def seconds_remaining(row):
    """A running run's time to go, from its pace so far (progress is weighted by stage cost);
    None before there is a pace to go by."""
    progress, started = row["progress"], row["started_us"]
    if row["status"] != "running" or started is None or not 5 <= progress < 100:
        return None
    elapsed = (now_microseconds() - started) / 1_000_000
    return round(elapsed * (100 - progress) / progress)


class RunHostSerializer(ResourceSerializer):
    resource_type = "host"
    relationships = {"scan_history": ("run_id", "scan_history")}

    class Meta:
        model = RunHost
        fields = ("id",)

    def attributes(self, h):
        attributes = {
            "ip": h.ip, "hostname": h.hostname or None, "alive": h.alive, "os": h.os or None, "mac": h.mac or None,
            "first_seen": iso_timestamp(h.created_at), "last_seen": iso_timestamp(h.created_at),
            "ports": [{k: p.get(k) for k in ("port", "protocol", "service", "product", "version", "cpe", "tls")} for p in h.ports],
            **self.context.get("host_counts", {}).get(h.ip, NO_FINDINGS_ON_HOST),
        }
        if "vulnerabilities" in self.context:  # the detail route: the run's results on this host
            attributes["vulnerabilities"] = self.context["vulnerabilities"]
        return attributes


NO_FINDINGS_ON_HOST = {"vulnerability_count": 0, "severity_counts": host_counts(), "max_severity": None}

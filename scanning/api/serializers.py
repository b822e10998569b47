"""Read side of the scanning resources (resources.md): attributes built by hand, fast."""

from config.api.serializers import ResourceSerializer, iso_timestamp
from scanning.api.rows import ScanRow, ScanRunRow, TargetRow, run_moments
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


class TargetSerializer(ResourceSerializer):
    """Context `in_use_ids` (set of target ids with scans, as text) and `show_credentials`
    (bool). Lists pass plain rows (scanning/api/rows.py)."""

    resource_type = "target"
    relationships = {**OWNED, "port_list": ("port_list_id", "port_list")}

    class Meta:
        model = Target
        fields = ("id",)

    def to_representation(self, instance):
        return super().to_representation(TargetRow(instance) if isinstance(instance, dict) else instance)

    def attributes(self, t):
        in_use = self.context.get("in_use_ids")
        return {
            "name": t.name, "hosts": t.hosts, "exclude_hosts": t.exclude_hosts, "host_count": t.host_count,
            "port_list": {"id": str(t.port_list_id), "name": t.port_list.name}, "alive_test": t.alive_test,
            "comment": t.comment, "in_use": str(t.pk) in in_use if in_use is not None else t.scans.exists(),
            "credentials": t.credentials_public if self.context.get("show_credentials") else None,
            "product": t.product, **stamps(t),
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


class ScanSerializer(ResourceSerializer):
    resource_type = "scan"
    relationships = {
        **OWNED, "target": ("target_id", "target"), "scan_profile": ("scan_profile_id", "scan_profile"),
        "scanner": ("scanner_id", "scanner"), "schedule": ("schedule_id", "schedule"),
        "last_history": ("last_history_id", "scan_history"),
    }

    class Meta:
        model = Scan
        fields = ("id",)

    def to_representation(self, instance):  # lists pass plain rows (scanning/api/rows.py)
        return super().to_representation(ScanRow(instance) if isinstance(instance, dict) else instance)

    def attributes(self, s):
        return {
            "name": s.name, "target": {"id": str(s.target_id), "name": s.target.name},
            "scan_profile": {"id": str(s.scan_profile_id), "name": s.scan_profile.name},
            "scanner": {"id": str(s.scanner_id), "name": s.scanner.name},
            "schedule": {"id": str(s.schedule_id), "name": s.schedule.name} if s.schedule_id else None,
            "comment": s.comment, "status": s.status, "progress": s.progress,
            "last_run_at": iso_timestamp(s.last_run_at), "next_run_at": iso_timestamp(s.next_run_at),
            "run_count": s.run_count, "severity_counts": s.severity_counts or empty_counts(),
            "max_severity": s.max_severity, "pci_status": s.pci_status, "max_checks": s.max_checks,
            "max_hosts": s.max_hosts, "product": s.product, **stamps(s),
        }


def empty_counts():
    return {"high": 0, "medium": 0, "low": 0, "log": 0}


class ScanRunSerializer(ResourceSerializer):
    resource_type = "scan_history"
    relationships = {"scan": ("scan_id", "scan"), "scanner": ("scanner_id", "scanner"),
                     "organization": ("organization_id", "organization")}

    class Meta:
        model = ScanRun
        fields = ("id",)

    def to_representation(self, instance):  # lists pass plain rows (scanning/api/rows.py)
        return super().to_representation(ScanRunRow(instance) if isinstance(instance, dict) else instance)

    def attributes(self, r):
        started, finished = run_moments(r)
        duration = (finished - started).total_seconds() if finished and started else None
        return {
            "scan": {"id": str(r.scan_id)}, "status": r.status, "stage": r.stage or None, "progress": r.progress,
            "queued_at": iso_timestamp(r.queued_at), "started_at": iso_timestamp(r.started_at),
            "finished_at": iso_timestamp(r.finished_at), "duration_seconds": round(duration, 3) if duration is not None else None,
            "host_count": r.host_count, "hosts_alive": r.hosts_alive, "severity_counts": r.severity_counts or empty_counts(),
            "max_severity": r.max_severity, "pci_status": r.pci_status,
            "delta": r.delta or {"new": 0, "fixed": 0, "persisting": 0}, "error": r.error or None,
            "partial": r.partial, "scanner": {"id": str(r.scanner_id)} if r.scanner_id else None,
            "triggered_by": r.triggered_by, "estimated_seconds_remaining": seconds_remaining(r, started), **stamps(r),
        }


def seconds_remaining(run, started):
    """A running run's time to go, from its pace so far (progress is weighted by stage cost);
    None before there is a pace to go by. `started`: the run's start as a datetime."""
    from django.utils import timezone

    if run.status != "running" or not started or not 5 <= run.progress < 100:
        return None
    elapsed = (timezone.now() - started).total_seconds()
    return round(elapsed * (100 - run.progress) / run.progress)


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


NO_FINDINGS_ON_HOST = {"vulnerability_count": 0, "severity_counts": empty_counts(), "max_severity": None}

"""Which exception applies to a finding (scanning.md "Exceptions"), in Python for rows being
stored and as a queryset filter for rows already stored.

An exception names a check (nvt) and narrows it by any of: hosts (addresses), a port
(`443/tcp`, `general/tcp`), a scan (only that scan's findings and results). When several active
exceptions match one finding, the newest wins."""

from django.db.models import Q

from findings.models import FindingException

from .bulk import Read, json_value


def port_label(port, protocol) -> str:
    return f"{port}/{protocol}" if port else f"general/{protocol}"


def split_port(label):
    """(port number, protocol) of `443/tcp` or `general/tcp` (port 0)."""
    number, _, protocol = label.partition("/")
    return (0 if number == "general" else int(number)), protocol


def in_force(now):
    """Active and not past its end time (the expiry job may not have run yet)."""
    return Q(active=True) & (Q(end_time__isnull=True) | Q(end_time__gt=now))


IN_FORCE_FIELDS = ("id", "nvt", "hosts", "port", "scan_id", "new_severity")


def active_exceptions(organization_id, product, nvts, now):
    """The Read (findings.services.bulk) of the exceptions in force for these checks, newest
    first; `exceptions_by_nvt` makes its rows {nvt: [exceptions, newest first]}."""
    rows = FindingException.objects.filter(in_force(now), organization_id=organization_id, product=product, nvt__in=nvts)
    return Read(rows.order_by("-created_at").values_list(*IN_FORCE_FIELDS))


def exceptions_by_nvt(rows):
    found = {}
    for row in rows:
        exception = FindingException(**dict(zip(IN_FORCE_FIELDS, row, strict=True)))
        exception.hosts = json_value(exception.hosts)
        found.setdefault(exception.nvt, []).append(exception)
    return found


def matches(exception, ip, label, scan_id) -> bool:
    if exception.hosts and ip not in exception.hosts:
        return False
    if exception.port and exception.port != label:
        return False
    return not exception.scan_id or exception.scan_id == scan_id


def exception_for(exceptions, nvt, ip, label, scan_id):
    for exception in exceptions.get(nvt, ()):
        if matches(exception, ip, label, scan_id):
            return exception
    return None


def scope_filter(exception) -> Q:
    """The findings or results (same field names) an exception's scope covers, whatever its state."""
    scope = Q(organization_id=exception.organization_id, product=exception.product, nvt=exception.nvt)
    if exception.hosts:
        scope &= Q(ip__in=exception.hosts)
    if exception.port:
        port, protocol = split_port(exception.port)
        scope &= Q(port=port, protocol=protocol)
    if exception.scan_id:
        scope &= Q(scan_id=exception.scan_id)
    return scope

"""Query parameters of the findings lists: `min_qod`, and the `q[...]` columns that are not a
plain model field (host, port, cve). Each custom column is a `(queryset, value) -> queryset`
callable as config.api.filtering expects; a bad value raises ValueError (a 422 naming q[...])."""

import ipaddress
import re

from django.db.models import Q, TextField
from django.db.models.functions import Cast, Upper

from config.api.errors import InvalidInput
from findings.choices import severity_range
from findings.models import CheckInfo
from findings.services.statistics import DEFAULT_MIN_QOD

PORT = re.compile(r"^(?:(\d{1,5})|general)(?:/(tcp|udp|icmp|sctp))?$", re.IGNORECASE)
CVE = re.compile(r"^[A-Za-z0-9*-]{1,40}$")


def min_qod(params) -> int:
    """`min_qod` (0-100, default 70): findings below it are neither listed nor counted."""
    raw = params.get("min_qod")
    if raw in (None, ""):
        return DEFAULT_MIN_QOD
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > 100:
        raise InvalidInput.field("min_qod", "must be an integer from 0 to 100")
    return int(text)


def text_q(path, value) -> Q:
    """Conventions' text matching (`*` wildcard, else the whole value, case-insensitive)."""
    from config.api.filtering import _text_lookup

    return Q(**_text_lookup(path, value))


def search_host(queryset, value):
    """`q[host]`: an address matches the `ip` column exactly (indexed); anything else matches the
    host name (or, with wildcards made of address characters, the address text)."""
    try:
        return queryset.filter(ip=str(ipaddress.ip_address(value)))
    except ValueError:
        pass
    if "*" in value and re.fullmatch(r"[0-9a-fA-F.:*]+", value):
        return queryset.filter(text_q("ip", value) | text_q("hostname", value))
    return queryset.filter(text_q("hostname", value))


def search_level(queryset, value):
    """`q[severity_level]`: an exact level, read as its severity range (findings.choices); a value
    that is no level matches nothing, as for any enum."""
    if "*" in value:
        raise ValueError("does not accept * wildcards (exact match only)")
    severities = severity_range(value)
    return queryset.filter(**severities) if severities is not None else queryset.none()


def search_port(queryset, value):
    """`q[port]`: `443`, `443/tcp`, `general/tcp` or `general`."""
    match = PORT.match(value.strip())
    if not match or (match.group(1) and not 0 < int(match.group(1)) < 65536):
        raise ValueError("must be a port like 443, 443/tcp or general/tcp")
    number = int(match.group(1)) if match.group(1) else 0
    queryset = queryset.filter(port=number)
    return queryset.filter(protocol=match.group(2).lower()) if match.group(2) else queryset


def search_cve(queryset, value):
    """`q[cve]`: a CVE id (`*` wildcard allowed) among the check's CVEs. The catalogue is small;
    the match runs there, and the findings are then picked by check id. The same checks' nvts
    (UPPER, as q[nvt] matches) let PostgreSQL read each check's findings from the nvt index in
    the list's order rather than walk the whole severity order looking for them."""
    if not CVE.match(value):
        raise ValueError("must be a CVE id such as CVE-2021-44228")
    pattern = value.upper().replace("*", ".*")
    checks = CheckInfo.objects.filter(cves__iregex=f'"{pattern}"')
    return queryset.alias(upper_nvt=Upper(Cast("nvt", TextField()))).filter(
        check_info_id__in=checks.values("pk"),
        upper_nvt__in=checks.annotate(upper_nvt=Upper(Cast("nvt", TextField()))).values("upper_nvt"),
    )

"""nmap's answer merged into the engine's, field by field: what the engine's own probes found
stays (they spoke the protocol); nmap fills what is blank, never blanks a field or swaps a value
for a vaguer one ("9.6.0 or later" is no version), and its CPE vendors are mapped to NVD's. All it
said is kept in extra["nmap"] for the checks (script output, extra info such as an SNMP
community)."""

from .nmap import TLS_NAMES, service_name
from .services.base import clean_version

# nmap's CPE vendor -> the vendor NVD's CPE dictionary uses for current versions
NVD_VENDORS = {
    ("redislabs", "redis"): "redis",
    ("igor_sysoev", "nginx"): "f5",
    ("nginx", "nginx"): "f5",
    ("vsftpd", "vsftpd"): "beasts",
    ("mysql", "mysql"): "oracle",
}
HINTS = ("name", "product", "version", "extrainfo", "hostname", "ostype", "devicetype", "tunnel", "conf")
NAMELESS = ("unknown", "tcpwrapped", "")


def nvd_cpe(uri: str) -> str:
    parts = uri.split(":")
    if len(parts) >= 4 and (parts[2], parts[3]) in NVD_VENDORS:
        parts[2] = NVD_VENDORS[(parts[2], parts[3])]
    return ":".join(parts)


def needs_second_opinion(port) -> bool:
    """A port the engine could not name confidently: no service, or no product."""
    return port.service == "unknown" or not port.product


def same_product(ours: str, theirs: str) -> bool:
    a, b = ours.lower(), theirs.lower()
    return a in b or b in a or a.split()[:1] == b.split()[:1]


def with_version(uri: str, version: str) -> str:
    parts = uri.split(":")
    return uri if len(parts) > 4 or not version else f"{uri}:{version.lower()}"


def merge(result, found: dict) -> str:
    """Merge nmap's view of one port into its PortResult; returns nmap's OS type, if any."""
    service = found.get("service") or {}
    if found.get("state") != "open" or service.get("method") != "probed":
        return ""
    hints = {key: service[key] for key in HINTS if service.get(key)}
    hints["cpe"] = found.get("cpe", [])
    if found.get("scripts"):
        hints["scripts"] = found["scripts"]
    result.extra["nmap"] = hints
    name = service_name(service.get("name", ""), service.get("tunnel", ""))
    if service.get("tunnel") == "ssl" and not result.tls:
        result.tls = True
        result.service = TLS_NAMES.get(result.service, result.service)
    if result.service == "unknown" and name not in NAMELESS:
        result.service = name
    product, version = service.get("product", ""), clean_version(service.get("version", ""))
    agrees = not result.product or not product or same_product(result.product, product)
    if not result.product and product:
        result.product = product
    if not result.version and version and agrees:
        result.version = version
    apps = [nvd_cpe(c) for c in found.get("cpe", []) if c.startswith("cpe:/a:")]
    if not result.cpe and apps and agrees:
        result.cpe = apps[0]
    if result.cpe:
        result.cpe = with_version(result.cpe, result.version)
    if name == "snmp" and service.get("extrainfo"):
        result.extra.setdefault("snmp", {}).setdefault("community", service["extrainfo"])
    return service.get("ostype", "")

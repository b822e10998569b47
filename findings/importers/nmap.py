"""nmap XML (-oX), Nmap 4 to 7: hosts, their state, addresses, names, OS guess and open ports with
service, product, version and CPE. No findings of its own: the version matcher may add some."""

from scanning.engine.types import PortResult

from .records import HostRecord
from .xml import children, stream

OPEN_STATES = ("open", "open|filtered")


def parse(path, progress=None):
    for _tag, host in stream(path, {"host": "nmaprun"}, {"nmaprun"}, "nmap XML", progress):
        record = host_record(host)
        if record is not None:
            yield record


def host_record(host):
    ip, mac = "", ""
    for address in children(host, "address"):
        kind = address.get("addrtype", "ipv4")
        if kind in ("ipv4", "ipv6") and not ip:
            ip = address.get("addr", "")
        elif kind == "mac":
            mac = address.get("addr", "")
    if not ip:
        return None
    status = host.find("status")
    names = [h.get("name", "") for h in host.iter("hostname") if h.get("name")]
    osmatch = max(host.iter("osmatch"), key=lambda m: int(m.get("accuracy", "0") or 0), default=None)
    return HostRecord(
        ip=ip, hostname=names[0] if names else "", mac=mac,
        alive=status is None or status.get("state", "up") == "up",
        os=osmatch.get("name", "") if osmatch is not None else "",
        ports=[port_result(p) for p in host.iter("port") if (p.find("state") is not None and p.find("state").get("state") in OPEN_STATES)],
    )


def port_result(port):
    service = port.find("service")
    attributes = service.attrib if service is not None else {}
    cpes = [c.text.strip() for c in (service.iter("cpe") if service is not None else ()) if c.text]
    application = next((c for c in cpes if c.startswith("cpe:/a:")), cpes[0] if cpes else "")
    name = attributes.get("name", "") or "unknown"
    tunnel = attributes.get("tunnel", "") == "ssl"
    scripts = {s.get("id"): s.get("output", "") for s in port.iter("script") if s.get("id")}
    return PortResult(
        port=int(port.get("portid", "0")), protocol=port.get("protocol", "tcp"),
        service="https" if tunnel and name == "http" else name,
        product=attributes.get("product", ""), version=attributes.get("version", ""), cpe=application,
        tls=tunnel or name in ("https", "ssl"),
        extra={"nmap": {k: v for k, v in {"extrainfo": attributes.get("extrainfo", ""), "ostype": attributes.get("ostype", ""),
                                            "conf": attributes.get("conf", ""), "scripts": scripts}.items() if v}},
    )

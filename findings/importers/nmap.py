"""nmap XML (-oX), Nmap 4 to 7: hosts, their state, addresses, names, OS guess and open ports with
service, product, version and CPE. No findings of its own: the version matcher may add some."""

from scanning.engine.types import PortResult

from .records import HostRecord, port_number
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
    return HostRecord(
        ip=ip, hostname=names[0] if names else "", mac=mac,
        alive=status is None or status.get("state", "up") == "up", os=os_guess(host),
        ports=[port_result(p) for p in host.iter("port") if is_open_port(p)],
    )


def is_open_port(port) -> bool:
    """An open port; not an IP protocol scan's (-sO) protocol="ip" entries, whose portid is a
    protocol number (1 ICMP, 6 TCP), not a port."""
    state = port.find("state")
    return state is not None and state.get("state") in OPEN_STATES and port.get("protocol", "tcp").lower() != "ip"


def accuracy(element) -> int:
    return int(element.get("accuracy", "0") or 0)


def os_guess(host) -> str:
    """The most accurate <osmatch> (the first of equals, as nmap lists them); without one (Nmap 5
    and 6 often give only classes), the classes of the best accuracy as nmap's "Running:" line
    says them: "Linux 2.6.X", "Netgear embedded, Linux 2.6.X"."""
    osmatch = max(host.iter("osmatch"), key=accuracy, default=None)
    if osmatch is not None:
        return osmatch.get("name", "")
    classes = [c for c in host.iter("osclass") if c.get("vendor")]
    best = max(map(accuracy, classes), default=0)
    running = []
    for osclass in (c for c in classes if accuracy(c) == best):
        vendor, family = osclass.get("vendor"), osclass.get("osfamily", "")
        words = [vendor] + ([family] if family and family != vendor else []) + [osclass.get("osgen", "")]
        running.append(" ".join(w for w in words if w))
    return ", ".join(dict.fromkeys(running))


def port_result(port):
    service = port.find("service")
    attributes = service.attrib if service is not None else {}
    cpes = [c.text.strip() for c in (service.iter("cpe") if service is not None else ()) if c.text]
    application = next((c for c in cpes if c.startswith("cpe:/a:")), cpes[0] if cpes else "")
    name = attributes.get("name", "") or "unknown"
    tunnel = attributes.get("tunnel", "") == "ssl"
    scripts = {s.get("id"): s.get("output", "") for s in port.iter("script") if s.get("id")}
    return PortResult(
        port=port_number(port.get("portid", "0")), protocol=port.get("protocol", "tcp").lower(),
        service="https" if tunnel and name == "http" else name,
        product=attributes.get("product", ""), version=attributes.get("version", ""), cpe=application,
        tls=tunnel or name in ("https", "ssl"),
        extra={"nmap": {k: v for k, v in {"extrainfo": attributes.get("extrainfo", ""), "ostype": attributes.get("ostype", ""),
                                            "conf": attributes.get("conf", ""), "scripts": scripts}.items() if v}},
    )

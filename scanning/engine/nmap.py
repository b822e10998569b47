"""nmap, when installed: `-sn` for ICMP/ARP alive tests and `-sV` as a second opinion on the
ports the engine could not name (merged field by field in merge.py). Its XML is read with defusedxml; the process is
killed when the run stops or its time budget runs out."""

import asyncio
import logging
import os
import shutil

from defusedxml import ElementTree

log = logging.getLogger(__name__)

# nmap's service names -> ours (anything not listed keeps nmap's name)
SERVICE_NAMES = {
    "domain": "dns",
    "microsoft-ds": "smb",
    "netbios-ssn": "smb",
    "ms-wbt-server": "rdp",
    "mongod": "mongodb",
    "mongodb": "mongodb",
    "memcache": "memcached",
    "http-proxy": "http",
    "http-alt": "http",
    "https-alt": "https",
    "submission": "smtp",
    "ldapssl": "ldaps",
    "postgres": "postgresql",
    "mysql": "mysql",
    "redis": "redis",
    "elasticsearch": "elasticsearch",
}
TLS_NAMES = {"http": "https", "imap": "imaps", "pop3": "pop3s", "smtp": "smtps", "ldap": "ldaps", "ftp": "ftps"}


class NmapError(RuntimeError):
    pass


def nmap_binary() -> str | None:
    return shutil.which("nmap")


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def service_name(name: str, tunnel: str = "") -> str:
    base = SERVICE_NAMES.get(name, name) or "unknown"
    return TLS_NAMES.get(base, base) if tunnel == "ssl" else base


async def run_nmap(args: list[str], timeout: float, stdin: bytes | None = None) -> bytes:
    binary = nmap_binary()
    if binary is None:
        raise NmapError("nmap is not installed")
    process = await asyncio.create_subprocess_exec(
        binary, *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), timeout)
    except (TimeoutError, asyncio.CancelledError):
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0:
        raise NmapError(f"nmap exited {process.returncode}: {err.decode(errors='replace').strip()[:300]}")
    return out


def parse_hosts(xml: bytes) -> list[dict]:
    """nmap -oX output -> [{ip, up, mac, ports: {(port, protocol): {...}}}]"""
    root = ElementTree.fromstring(xml)
    hosts = []
    for node in root.iter("host"):
        status = node.find("status")
        host = {"ip": "", "mac": "", "up": status is not None and status.get("state") == "up", "ports": {}}
        for address in node.findall("address"):
            if address.get("addrtype") in ("ipv4", "ipv6"):
                host["ip"] = address.get("addr", "")
            elif address.get("addrtype") == "mac":
                host["mac"] = address.get("addr", "")
        for port in node.iter("port"):
            state = port.find("state")
            service = port.find("service")
            entry = {"state": state.get("state", "") if state is not None else "", "service": {}, "cpe": []}
            if service is not None:
                entry["service"] = dict(service.attrib)
                entry["cpe"] = [(c.text or "").strip() for c in service.findall("cpe") if c.text]
            entry["scripts"] = {s.get("id", ""): s.get("output", "") for s in port.findall("script") if s.get("id")}
            host["ports"][(int(port.get("portid", 0)), port.get("protocol", "tcp"))] = entry
        hosts.append(host)
    return hosts


async def ping_sweep(ips: list[str], method: str, timeout: float) -> dict[str, dict]:
    """{ip: {"up": bool, "mac": str}} from nmap -sn (ICMP echo or ARP; nmap falls back to a TCP
    ping when it is not root)."""
    args = ["-sn", "-n", "-T4", "-oX", "-", "-iL", "-"]
    args += ["-PR"] if method == "arp_ping" else ["-PE"]
    if any(":" in ip for ip in ips):
        args.insert(0, "-6")
    out = await run_nmap(args, timeout, stdin="\n".join(ips).encode())
    return {h["ip"]: h for h in parse_hosts(out) if h["ip"]}


async def service_scan(ip: str, tcp_ports: list[int], udp_ports: list[int], timeout: float) -> dict:
    """{(port, protocol): {"service": {...nmap attributes}, "cpe": [...], "scripts": {...}}} for
    the given ports; nmap gives up on the host after `timeout` seconds (its --host-timeout)."""
    udp_ports = udp_ports if is_root() else []
    if not tcp_ports and not udp_ports:
        return {}
    spec = ",".join([f"T:{p}" for p in tcp_ports] + [f"U:{p}" for p in udp_ports])
    args = ["-sV", "-Pn", "-n", "-T4", "--max-retries", "1", "--version-intensity", "7",
            "--host-timeout", f"{max(1, int(timeout))}s", "-p", spec, "-oX", "-"]
    args += ["-sT"] if tcp_ports else []
    args += ["-sU"] if udp_ports else []
    args += ["-6", ip] if ":" in ip else [ip]
    out = await run_nmap(args, timeout + 5)
    for host in parse_hosts(out):
        if host["ip"] == ip:
            return host["ports"]
    return {}

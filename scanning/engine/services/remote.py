"""Remote access: SSH and Telnet (they speak first), VNC's RFB greeting, RDP's X.224 answer."""

import re
import struct

from .base import Match, cpe, split_token, text

SSH_BANNER = re.compile(r"^SSH-(\d+\.\d+)-(\S+)(?:\s+(.*))?$")
# SSH software token -> (product as nmap writes it, CPE vendor, CPE product)
SSH_PRODUCTS = {
    "openssh": ("OpenSSH", "openbsd", "openssh"),
    "dropbear": ("Dropbear sshd", "dropbear_ssh_project", "dropbear_ssh"),
    "libssh": ("libssh", "libssh", "libssh"),
    "cisco": ("Cisco SSH", "cisco", "ssh"),
}
OS_HINTS = {
    "ubuntu": "Linux (Ubuntu)",
    "debian": "Linux (Debian)",
    "raspbian": "Linux (Raspbian)",
    "centos": "Linux (CentOS)",
    "red hat": "Linux (Red Hat)",
    "fedora": "Linux (Fedora)",
    "freebsd": "FreeBSD",
    "windows": "Windows",
}
IAC = 0xFF
LOGIN_PROMPT_AT_END = re.compile(rb"(?:^|[\r\n])[^\r\n]*\b(?:login|username|user name)[ \t]*:[ \t]*$", re.I)
# TPKT + X.224 Connection Request + RDP_NEG_REQ asking for TLS and CredSSP
RDP_REQUEST = bytes.fromhex("03000013" "0ee00000000000" "0100080003000000")
RDP_PROTOCOLS = {0: "rdp", 1: "ssl", 2: "hybrid", 8: "hybrid_ex"}


async def banner_ssh(conn, greeting: bytes) -> Match | None:
    line = text(greeting.split(b"\n", 1)[0])
    found = SSH_BANNER.match(line)
    if not found:
        return None
    protocol, software, comment = found.group(1), found.group(2), found.group(3) or ""
    name, version, _ = split_token(software)
    known = SSH_PRODUCTS.get(name.lower())
    product, cpe_uri = (known[0], cpe(known[1], known[2], version)) if known else (name or software, "")
    os_name = next((name for hint, name in OS_HINTS.items() if hint in comment.lower()), "")
    extra = {"ssh": {"protocol": protocol, "software": software, "comment": comment}}
    return Match("ssh", product, version, cpe_uri, banner=line, extra=extra, os=os_name)


def telnet_options(data: bytes) -> tuple[list[tuple[int, int]], bytes]:
    """([(command, option)] negotiated, the remaining printable bytes)."""
    options, rest, i = [], bytearray(), 0
    while i < len(data):
        if data[i] == IAC and i + 1 < len(data):
            command = data[i + 1]
            if command in (251, 252, 253, 254) and i + 2 < len(data):
                options.append((command, data[i + 2]))
                i += 3
                continue
            i += 2
            continue
        rest.append(data[i])
        i += 1
    return options, bytes(rest)


async def banner_telnet(conn, greeting: bytes) -> Match | None:
    """Telnet: option negotiation first (IAC), or, from consoles that skip it, a greeting that ends
    waiting at a login prompt (`login:`, `Username:`): a cleartext login either way."""
    if bytes([IAC]) not in greeting and LOGIN_PROMPT_AT_END.search(greeting):
        return Match("telnet", banner=text(greeting), extra={"telnet": {"options": []}})
    if greeting[:1] != bytes([IAC]) or len(greeting) < 3 or greeting[1] not in (251, 252, 253, 254, 250):
        return None
    options, rest = telnet_options(greeting)
    words = {251: "WILL", 252: "WONT", 253: "DO", 254: "DONT"}
    extra = {"telnet": {"options": [f"{words[c]} {o}" for c, o in options]}}
    return Match("telnet", banner=text(rest), extra=extra)


async def banner_vnc(conn, greeting: bytes) -> Match | None:
    found = re.match(rb"^RFB (\d{3})\.(\d{3})\n", greeting)
    if not found:
        return None
    version = f"{int(found.group(1))}.{int(found.group(2))}"
    return Match("vnc", "VNC", "", banner=text(greeting), extra={"vnc": {"protocol": version}})


def _x224_complete(data: bytes) -> bool:
    return len(data) >= 4 and len(data) >= struct.unpack("!H", data[2:4])[0]


async def probe_rdp(conn) -> Match | None:
    reply = await conn.ask(RDP_REQUEST, until=_x224_complete)
    if len(reply) < 11 or reply[0] != 3 or reply[1] != 0 or reply[5] & 0xF0 != 0xD0:
        return None
    extra = {}
    if len(reply) >= 19 and reply[11] == 0x02:  # RDP_NEG_RSP: the protocol the server chose
        selected = struct.unpack("<I", reply[15:19])[0]
        extra = {"selected_protocol": RDP_PROTOCOLS.get(selected, str(selected))}
    elif len(reply) >= 19 and reply[11] == 0x03:  # RDP_NEG_FAILURE
        extra = {"negotiation_failure": struct.unpack("<I", reply[15:19])[0]}
    return Match("rdp", "Microsoft Terminal Services", extra={"rdp": extra})

"""Small helpers the service families share (remote access, FTP, mail, databases, SNMP, DNS):
the errors a probe swallows (a port that misbehaves is no finding, never a crash of the stage),
line-protocol reply readers, evidence trimming, and the source address of a check that a server's
trust in its own host would fool."""

import ipaddress
import re
import ssl
import struct

NET_ERRORS = (OSError, TimeoutError, ssl.SSLError, EOFError, ValueError, IndexError, KeyError, struct.error, UnicodeError)
EVIDENCE_LIMIT = 600
LAST_NUMERIC_LINE = re.compile(rb"(?:^|\n)\d{3} [^\n]*\n$")


def numeric_reply_complete(data: bytes) -> bool:
    """An FTP/SMTP reply is complete at its last line, `NNN text` (continuations are `NNN-`)."""
    return bool(LAST_NUMERIC_LINE.search(data))


def reply_code(data: bytes) -> int:
    """The code of the last line of an FTP/SMTP reply (0 when there is none)."""
    lines = [line for line in data.split(b"\n") if line.strip()]
    found = re.match(rb"^(\d{3})", lines[-1]) if lines else None
    return int(found.group(1)) if found else 0


def lines_of(data: bytes) -> list[str]:
    return [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]


def clip(value: str, limit: int = EVIDENCE_LIMIT) -> str:
    """Evidence stays readable: one bounded string, never a whole database dump."""
    value = "".join(c for c in value if c.isprintable() or c in "\n\t")
    return value if len(value) <= limit else value[: limit - 3] + "..."


def outside_loopback_source(ip: str) -> str | None:
    """For a loopback target, a loopback source address other than 127.0.0.1 and the target; None
    for any other target. Servers trust their own host (an MTA relays for it, Dovecot allows
    plaintext logins to it, BIND's `localhost` ACL recurses for it): a check that asks what an
    outside client may do connects from here, so a loopback lab is judged as from outside."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version != 4 or not address.is_loopback:
        return None
    return "127.0.0.2" if ip != "127.0.0.2" else "127.0.0.3"

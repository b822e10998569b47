"""SMB2 over direct TCP: a NEGOTIATE (dialects 2.0.2 to 3.0.2) answered with the chosen dialect,
the signing mode and a SPNEGO token. Samba names itself there by a hint no other server sends
("not_defined_in_RFC4178@please_ignore"); neither Samba nor Windows tells its version before a
login, so none is given (nmap's "Samba smbd 4.6.2" for every SMB2-only Samba is not a version)."""

import os
import struct

from .base import Match, cpe

DIALECTS = (0x0202, 0x0210, 0x0300, 0x0302)
DIALECT_NAMES = {0x0202: "2.0.2", 0x0210: "2.1", 0x0300: "3.0", 0x0302: "3.0.2", 0x0311: "3.1.1", 0x02FF: "2.x"}
SAMBA_HINT = b"not_defined_in_RFC4178@please_ignore"
SIGNING_REQUIRED = 0x02


def negotiate_request() -> bytes:
    header = b"\xfeSMB" + struct.pack("<HHIHHII", 64, 0, 0, 0, 1, 0, 0) + bytes(8) + bytes(4) + bytes(4) + bytes(8) + bytes(16)
    body = struct.pack("<HHHHI", 36, len(DIALECTS), 1, 0, 0) + os.urandom(16) + bytes(8)
    body += b"".join(struct.pack("<H", dialect) for dialect in DIALECTS)
    message = header + body
    return struct.pack(">I", len(message)) + message  # the 4-byte direct-TCP (NetBIOS) length


def smb_complete(data: bytes) -> bool:
    return len(data) >= 4 and len(data) >= 4 + int.from_bytes(data[1:4], "big")


async def probe_smb(conn) -> Match | None:
    reply = await conn.ask(negotiate_request(), until=smb_complete)
    message = reply[4:]
    if len(message) < 64 + 65 or not message.startswith(b"\xfeSMB"):
        return None
    status, command = struct.unpack("<IH", message[8:14])
    if command != 0 or status != 0:
        return None
    body = message[64:]
    size, security_mode, dialect = struct.unpack("<HHH", body[:6])
    if size != 65:
        return None
    offset, length = struct.unpack("<HH", body[56:60])
    token = message[offset : offset + length]
    facts = {"dialect": DIALECT_NAMES.get(dialect, hex(dialect)), "signing_required": bool(security_mode & SIGNING_REQUIRED)}
    if SAMBA_HINT in token:
        return Match("microsoft-ds", "Samba smbd", "", cpe("samba", "samba"), banner=f"SMB {facts['dialect']}", extra={"smb": facts})
    return Match("microsoft-ds", banner=f"SMB {facts['dialect']}", extra={"smb": facts})

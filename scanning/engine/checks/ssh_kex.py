"""Just enough of the SSH transport (RFC 4253) to see what a server negotiates: the version
exchange, the server's KEXINIT (parsed by ssh-audit's SSH2_Kex) and, for host-key sizes, one key
exchange up to the server's KEXDH_REPLY (ssh-audit's KexDH classes build the request and read the
host key). Nothing is ever authenticated; the connection ends before NEWKEYS.

ssh-audit talks to blocking sockets; `_Packets` gives its classes the write_*/send_packet/
read_packet surface they expect, while the bytes travel over the check context's asyncio
connection (time-outs, guard, socket bound)."""

import os
import struct

from ssh_audit.kexdh import (
    KexCurve25519_SHA256,
    KexGroup1,
    KexGroup14_SHA1,
    KexGroup14_SHA256,
    KexGroup16_SHA512,
    KexGroup18_SHA512,
    KexNISTP256,
    KexNISTP384,
    KexNISTP521,
)
from ssh_audit.outputbuffer import OutputBuffer
from ssh_audit.protocol import Protocol
from ssh_audit.ssh2_kex import SSH2_Kex
from ssh_audit.writebuf import WriteBuf

CLIENT_VERSION = b"SSH-2.0-cg_scanner_1.0\r\n"
MAX_PACKET = 256 * 1024
# key exchanges we can start, in our order of preference -> ssh-audit's class for it
KEX_CLASSES = {
    "curve25519-sha256": KexCurve25519_SHA256,
    "curve25519-sha256@libssh.org": KexCurve25519_SHA256,
    "ecdh-sha2-nistp256": KexNISTP256,
    "ecdh-sha2-nistp384": KexNISTP384,
    "ecdh-sha2-nistp521": KexNISTP521,
    "diffie-hellman-group14-sha256": KexGroup14_SHA256,
    "diffie-hellman-group16-sha512": KexGroup16_SHA512,
    "diffie-hellman-group18-sha512": KexGroup18_SHA512,
    "diffie-hellman-group14-sha1": KexGroup14_SHA1,
    "diffie-hellman-group1-sha1": KexGroup1,
}


class SshError(EOFError):
    """The peer is not an SSH-2 server, or broke off the exchange."""


class _Packets(WriteBuf):
    """Collects what ssh-audit writes (one payload per send_packet) and replays packets we read."""

    def __init__(self):
        super().__init__()
        self.outgoing: list[bytes] = []
        self.incoming: list[tuple[int, bytes]] = []

    def send_packet(self):
        self.outgoing.append(frame(self.write_flush()))
        return 0, None

    def read_packet(self):
        return self.incoming.pop(0) if self.incoming else (-1, b"")


def frame(payload: bytes) -> bytes:
    """An unencrypted binary packet: length, padding length, payload, padding (block size 8)."""
    padding = -(len(payload) + 5) % 8
    padding += 8 if padding < 4 else 0
    return struct.pack(">IB", len(payload) + padding + 1, padding) + payload + bytes(padding)


class SshSession:
    """One connection's SSH transport, read packet by packet."""

    def __init__(self, conn):
        self.conn, self.buffer, self.server_version = conn, b"", ""

    async def _fill(self, size: int) -> None:
        while len(self.buffer) < size:
            data = await self.conn.read(until=lambda d: len(self.buffer) + len(d) >= size)
            if not data:
                raise SshError("connection closed")
            self.buffer += data

    async def exchange_versions(self) -> str:
        """The server's version line (lines before it are skipped, as RFC 4253 allows)."""
        await self.conn.send(CLIENT_VERSION)
        for _ in range(20):
            while b"\n" not in self.buffer:
                await self._fill(len(self.buffer) + 1)
                if len(self.buffer) > 8192:
                    raise SshError("no version line")
            line, self.buffer = self.buffer.split(b"\n", 1)
            if line.startswith(b"SSH-"):
                self.server_version = line.decode("latin-1").strip()
                return self.server_version
        raise SshError("no version line")

    async def packet(self) -> tuple[int, bytes]:
        """(message type, payload after the type byte) of the next unencrypted packet."""
        await self._fill(5)
        length, padding = struct.unpack(">IB", self.buffer[:5])
        if not 5 <= length + 4 <= MAX_PACKET or padding >= length:
            raise SshError("not an SSH-2 binary packet")
        await self._fill(4 + length)
        payload = self.buffer[5 : 4 + length - padding]
        self.buffer = self.buffer[4 + length :]
        if not payload:
            raise SshError("empty packet")
        return payload[0], payload[1:]

    async def server_kexinit(self) -> SSH2_Kex:
        for _ in range(10):
            kind, payload = await self.packet()
            if kind == Protocol.MSG_KEXINIT:
                return SSH2_Kex.parse(OutputBuffer(), payload)
            if kind not in (Protocol.MSG_DEBUG, 2):  # DEBUG and IGNORE may come first
                raise SshError(f"unexpected message {kind} before KEXINIT")
        raise SshError("no KEXINIT")


async def negotiated_algorithms(conn) -> tuple[str, SSH2_Kex]:
    """(server version line, its KEXINIT) of a connected SSH-2 server."""
    session = SshSession(conn)
    version = await session.exchange_versions()
    if not version.startswith(("SSH-2.0-", "SSH-1.99-")):
        raise SshError(f"not SSH-2: {version}")
    return version, await session.server_kexinit()


async def host_key_size(conn, host_key_algorithm: str) -> tuple[str, int]:
    """(host key type, size in bits) the server presents for `host_key_algorithm`, read from
    its KEXDH_REPLY; ("", 0) when no key exchange we speak is offered."""
    session = SshSession(conn)
    await session.exchange_versions()
    server = await session.server_kexinit()
    kex_name = next((name for name in KEX_CLASSES if name in server.kex_algorithms), None)
    if kex_name is None:
        return "", 0
    # our KEXINIT mirrors the server's own lists, so that only the host key algorithm is chosen by us
    ours = SSH2_Kex(OutputBuffer(), os.urandom(16), [kex_name], [host_key_algorithm], server.client, server.server, False, 0)
    packets = _Packets()
    packets.write_byte(Protocol.MSG_KEXINIT)
    ours.write(packets)
    packets.send_packet()
    kex = KEX_CLASSES[kex_name](OutputBuffer())
    kex.send_init(packets)
    await session.conn.send(b"".join(packets.outgoing))
    kind, payload = await session.packet()
    while kind in (Protocol.MSG_DEBUG, 2):
        kind, payload = await session.packet()
    if kind != Protocol.MSG_KEXDH_REPLY:
        raise SshError(f"expected KEXDH_REPLY, got {kind}")
    packets.incoming.append((kind, payload))
    kex.recv_reply(packets)
    return kex.get_hostkey_type(), kex.get_hostkey_size()


"""SQL servers that let a well-known administrator in without a password (family `databases`):
PostgreSQL with `trust` authentication, MySQL/MariaDB with an empty root password (or grant
tables skipped). Each logs in once, proves the session is usable (PostgreSQL's ReadyForQuery,
MySQL's OK packet) and leaves at once; a password request or an error is no finding."""

import asyncio
import struct

from ..services.base import Conn
from ..services.databases import SSL_REQUEST, mysql_packet_complete, pg_messages, startup_message
from .base import register
from .databases import PCI_REFERENCE, OpenDatabase
from .service_io import NET_ERRORS

PG_USER = "postgres"
MYSQL_USER = "root"
# tried in order, the first login that succeeds is the evidence: root, then the anonymous account
# (an empty user name) that mariadb-install-db/mysql_install_db create unless told not to
MYSQL_USERS = (MYSQL_USER, "")
# client capabilities: LONG_PASSWORD, PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH
MYSQL_CAPABILITIES = 0x00000001 | 0x00000200 | 0x00008000 | 0x00080000


def _pg_done(data: bytes) -> bool:
    """ReadyForQuery, an error, or an authentication request that needs a password."""
    return any(kind in "ZE" or (kind == "R" and body[:4] != bytes(4)) for kind, body in pg_messages(data))


@register
class PostgreSQLTrustLogin(OpenDatabase):
    nvt = "CG-6005"
    name = "PostgreSQL login without password (trust authentication)"
    services = ("postgresql",)
    summary = f"The PostgreSQL server lets the `{PG_USER}` superuser log in over the network without a password."
    insight = ("pg_hba.conf uses the `trust` method for network connections (`host` or `hostssl`: TLS does not "
               "authenticate the client): any client may log in as any role it names.")
    affected = "PostgreSQL servers whose pg_hba.conf has `host ... trust` or `hostssl ... trust` lines for untrusted addresses."
    solution = "Use `scram-sha-256` (or certificate) authentication in pg_hba.conf for every `host` line and filter the port."
    references = ("https://www.postgresql.org/docs/current/auth-trust.html", PCI_REFERENCE)

    async def run(self, ctx, host, port):
        if port.tls:
            return []  # a TLS-only listener: the plain startup message would not reach pg_hba
        via, messages = "", await self._startup(ctx, host, port, over_tls=False)
        if not _let_in(messages):  # `hostssl ... trust` lets in only who asks for TLS first
            via, messages = " over TLS (SSLRequest)", await self._startup(ctx, host, port, over_tls=True)
        if not _let_in(messages):
            return []
        version = next((b.rstrip(b"\x00").partition(b"\x00")[2].decode("latin-1") for k, b in messages
                        if k == "S" and b.startswith(b"server_version\x00")), "?")
        evidence = (f"user {PG_USER!r}, database {PG_USER!r}: AuthenticationOk and ReadyForQuery without a "
                    f"password{via} (server_version {version})")
        return [self.finding(port, evidence)]

    async def _startup(self, ctx, host, port, over_tls: bool) -> list:
        """The server's messages after our startup message (as `postgres`), plain or after an
        accepted SSLRequest; [] when the exchange fails or TLS is refused."""
        writer = None
        try:
            reader, writer = await ctx.open_raw(host.ip, port.port)
            if over_tls:
                writer.write(SSL_REQUEST)
                if await asyncio.wait_for(reader.readexactly(1), ctx.timeout) != b"S":
                    return []  # "N": the server has no TLS
                await asyncio.wait_for(writer.start_tls(ctx.dialer.tls_context), ctx.timeout)
            conn = Conn(reader, writer, ctx.timeout, host.ip)
            reply = await conn.ask(startup_message(PG_USER, PG_USER), until=_pg_done)
            ctx.heard(host.ip, port.port, reply, conn.hung_up)  # "sorry, too many clients already": a turn-away
            messages = pg_messages(reply)
            if any(kind == "Z" for kind, _ in messages):
                await conn.send(b"X\x00\x00\x00\x04")  # Terminate: in without a password, leave at once
            return messages
        except NET_ERRORS:  # IncompleteReadError is an EOFError
            return []
        finally:
            if writer is not None:
                writer.close()


def _let_in(messages) -> bool:
    """AuthenticationOk followed by ReadyForQuery: logged in without a password."""
    return any(kind == "R" and body[:4] == bytes(4) for kind, body in messages) and any(kind == "Z" for kind, _ in messages)


@register
class MySQLEmptyRootPassword(OpenDatabase):
    nvt = "CG-6006"
    name = "MySQL/MariaDB login without password"
    services = ("mysql",)
    summary = (f"The MySQL/MariaDB server accepts the `{MYSQL_USER}` account or an anonymous login (empty user name) "
               "with an empty password.")
    insight = ("A login as root (or, failing that, with an empty user name) and an empty password succeeded: the "
               "account has no password, anonymous accounts exist (''@localhost, created by mysql_install_db "
               "unless `--skip-test-db`), or the server runs with `--skip-grant-tables`.")
    affected = "MySQL and MariaDB servers with a password-less root account, anonymous accounts or grant tables disabled."
    solution = ("Give every account a strong password (or socket authentication), drop the anonymous accounts "
                "(`mariadb-secure-installation`, `DROP USER ''@'localhost'`), never run with --skip-grant-tables, "
                "filter the port.")
    references = ("https://dev.mysql.com/doc/refman/8.0/en/default-privileges.html", PCI_REFERENCE)

    async def run(self, ctx, host, port):
        for user in MYSQL_USERS:
            logged_in, version = await self._empty_password_login(ctx, host, port, user)
            if version is None:
                return []  # not a MySQL protocol-10 server
            if logged_in:
                account = f"user {user!r}" if user else "anonymous login (empty user name)"
                return [self.finding(port, f"{account} logged in with an empty password (OK packet; server {version})")]
        return []

    async def _empty_password_login(self, ctx, host, port, user: str) -> tuple[bool, str | None]:
        """(OK packet received, server version; None when the port is not MySQL)."""
        version = None
        try:
            async with ctx.connect(host.ip, port.port) as conn:
                greeting = await conn.read(until=mysql_packet_complete)
                version, plugin = _handshake(greeting)
                if version is None:
                    return False, None
                reply = await conn.ask(_packet(1, _login(plugin, user)), until=_packet_complete)
                if reply[4:5] == b"\xfe":  # AuthSwitchRequest: the empty password in the asked plugin is empty too
                    reply = await conn.ask(_packet(reply[3] + 1, b""), until=_packet_complete)
                if reply[4:5] == b"\x00":
                    await conn.send(_packet(0, b"\x01"))  # COM_QUIT
        except NET_ERRORS:
            return False, version
        return reply[4:5] == b"\x00", version  # else an ERR packet: Access denied


def _handshake(greeting: bytes) -> tuple[str | None, str]:
    """(server version, default auth plugin) of a protocol-10 handshake; (None, "") otherwise."""
    if not mysql_packet_complete(greeting) or greeting[4] != 0x0A:
        return None, ""
    payload = greeting[4 : 4 + int.from_bytes(greeting[:3], "little")]
    end = payload.index(b"\x00", 1)
    version = payload[1:end].decode("latin-1")
    rest = payload[end + 1 + 4 + 8 + 1 :]  # connection id, auth data part 1, filler
    if len(rest) < 18:
        return version, "mysql_native_password"
    auth_length = rest[7]
    tail = rest[18 + max(13, auth_length - 8) :]
    plugin = tail.split(b"\x00", 1)[0].decode("latin-1") if tail else ""
    return version, plugin or "mysql_native_password"


def _login(plugin: str, user: str) -> bytes:
    """HandshakeResponse41 for `user` with an empty auth response."""
    return (struct.pack("<IIB", MYSQL_CAPABILITIES, 1 << 24, 33) + bytes(23) + user.encode() + b"\x00"
            + b"\x00" + plugin.encode() + b"\x00")


def _packet_complete(data: bytes) -> bool:
    """One whole packet, whatever its sequence number (the handshake's own test wants 0)."""
    return len(data) >= 4 and len(data) >= 4 + int.from_bytes(data[:3], "little")


def _packet(sequence: int, payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "little") + bytes([sequence & 0xFF]) + payload

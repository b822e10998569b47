"""FTP (family `ftp`, ids CG-4001..): anonymous login, and account logins that may travel
in clear text. Each check speaks the real dialogue (greeting, FEAT, USER, PASS) and reports the
server's own reply lines; a refusal (530) is no finding. No file is listed or transferred."""

import asyncio

from ..services.base import Conn
from .base import Check, register
from .service_io import NET_ERRORS, clip, lines_of, numeric_reply_complete, reply_code
from .starttls import open_tls_stream

ANONYMOUS_PASSWORD = b"scanner@example.com"
PROBE_USER = b"cg-scanner"  # an account name no real server has: we never send its password


async def _command(conn, line: bytes) -> bytes:
    return await conn.ask(line + b"\r\n", until=numeric_reply_complete)


async def _greeting(conn) -> bytes:
    greeting = await conn.read(until=numeric_reply_complete)
    if reply_code(greeting) != 220:
        raise EOFError("no FTP greeting")
    return greeting


async def _quit(conn) -> None:
    try:
        await conn.send(b"QUIT\r\n")
    except NET_ERRORS:
        pass


@register
class AnonymousFtp(Check):
    nvt = "CG-4001"
    name = "Anonymous FTP login allowed"
    family = "ftp"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"
    qod = 95  # the server said 230 to the anonymous account
    services = ("ftp", "ftps")
    summary = "The FTP server accepts the `anonymous` account: anyone can log in without credentials."
    insight = ("The server answered USER anonymous / PASS <e-mail> with 230 (logged in), in clear text or after "
               "AUTH TLS (TLS does not authenticate the client).")
    affected = "FTP servers with anonymous access enabled (vsftpd `anonymous_enable=YES`, ProFTPD <Anonymous>, ...)."
    impact = ("Anyone can read (and, when uploads are allowed, write) the files the anonymous account "
              "reaches; the server may serve as a drop box for third parties' data.")
    solution = ("Disable anonymous access (vsftpd: `anonymous_enable=NO`) unless the server is meant to publish "
                "files; then make sure only public files are reachable and uploads are off.")
    solution_type = "Mitigation"
    references = ("https://www.rfc-editor.org/rfc/rfc1635",)

    async def run(self, ctx, host, port):
        try:
            async with ctx.connect(host.ip, port.port, port.tls, host.hostname) as conn:
                await _greeting(conn)
                reply = await _anonymous_login(conn)
        except NET_ERRORS:
            return []
        via = ""
        if reply_code(reply) != 230 and not port.tls:  # vsftpd force_anon_logins_ssl: anonymous only after AUTH TLS
            via, reply = " after AUTH TLS", await _anonymous_login_over_auth_tls(ctx, host, port)
        if reply_code(reply) != 230:
            return []
        return [self.finding(port, clip(f"USER anonymous accepted{via}: " + " | ".join(lines_of(reply))))]


async def _anonymous_login(conn) -> bytes:
    """The last reply to USER anonymous (and PASS <e-mail> when asked), then QUIT."""
    reply = await _command(conn, b"USER anonymous")
    if reply_code(reply) == 331:
        reply = await _command(conn, b"PASS " + ANONYMOUS_PASSWORD)
    await _quit(conn)
    return reply


async def _anonymous_login_over_auth_tls(ctx, host, port) -> bytes:
    """The anonymous login on a connection upgraded by AUTH TLS (b"" when TLS is refused or fails):
    TLS does not authenticate the client, anonymous stays anonymous."""
    writer = None
    try:
        reader, writer = await open_tls_stream(ctx, host.ip, port.port, "ftp")
        await asyncio.wait_for(writer.start_tls(ctx.dialer.tls_context), ctx.timeout)
        return await _anonymous_login(Conn(reader, writer, ctx.timeout, host.ip))
    except NET_ERRORS:
        return b""
    finally:
        if writer is not None:
            writer.close()


@register
class CleartextFtpLogin(Check):
    nvt = "CG-4002"
    name = "FTP cleartext login allowed"
    family = "ftp"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N"
    qod = 80
    pci_fail = True  # PCI ASV: credentials sent in clear text over a public network
    services = ("ftp",)
    summary = "The FTP server accepts account logins over an unencrypted connection (no AUTH TLS, or AUTH TLS not required)."
    insight = ("Before any AUTH TLS the server asked for the password of a user name sent in clear text: whether "
               "or not FEAT lists AUTH TLS/SSL, a client may send its password unencrypted.")
    affected = ("FTP servers without FTPS (vsftpd without `ssl_enable=YES`, ...) or where it is optional "
                "(vsftpd `force_local_logins_ssl=NO`).")
    impact = "An attacker on the network path can read user names, passwords and transferred files, and take over the accounts."
    solution = ("Enable FTPS and require it for logins (vsftpd: `ssl_enable=YES`, `force_local_logins_ssl=YES`, "
                "`force_local_data_ssl=YES`), or replace FTP with SFTP.")
    solution_type = "Mitigation"
    references = ("https://www.rfc-editor.org/rfc/rfc4217", "https://www.pcisecuritystandards.org/document_library/")

    def applies(self, host, port):
        return super().applies(host, port) and not port.tls

    async def run(self, ctx, host, port):
        try:
            async with ctx.connect(host.ip, port.port) as conn:
                await _greeting(conn)
                features = await _command(conn, b"FEAT")
                reply = await _command(conn, b"USER " + PROBE_USER)
                await _quit(conn)
        except NET_ERRORS:
            return []
        if reply_code(reply) != 331:
            return []  # "530 Non-anonymous sessions must use encryption" / "530 This FTP server is anonymous only"
        listed = ", ".join(_feature_lines(features)) or "FEAT not supported"
        tls = "AUTH TLS offered, not required" if any(_is_auth_tls(line) for line in _feature_lines(features)) else "no AUTH TLS"
        evidence = f"{tls} (FEAT: {listed}); USER {PROBE_USER.decode()} in clear text answered: {' | '.join(lines_of(reply))}"
        return [self.finding(port, clip(evidence))]


def _feature_lines(reply: bytes) -> list[str]:
    """The feature lines of a 211 FEAT reply (indented lines between 211- and 211 End)."""
    if reply_code(reply) != 211:
        return []
    return [line for line in lines_of(reply) if not line[:3].isdigit()]


def _is_auth_tls(feature: str) -> bool:
    words = feature.upper().split()
    return bool(words) and words[0] == "AUTH" and any(w.startswith(("TLS", "SSL")) for w in words[1:])

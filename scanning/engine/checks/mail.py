"""Mail (family `mail`, ids CG-5001..): SMTP open relay and cleartext authentication on SMTP,
POP3 and IMAP. The relay check stops after RCPT TO (never DATA: no mail is ever sent) and
resets the transaction; the cleartext check only reads what the server advertises before any
STARTTLS. Both come, for a loopback target, from another loopback address: servers trust their
own host (MTAs relay for it, Dovecot counts a connection whose two ends share an address as
secured and allows passwords in clear there)."""

import contextlib
import re

from .base import Check, register
from .service_io import NET_ERRORS, clip, lines_of, numeric_reply_complete, outside_loopback_source, reply_code

# RFC 2606 reserved domains: never anybody's real mailbox, and outside any server's own domains
RELAY_SENDER = b"cg-relay-test@example.org"
RELAY_RECIPIENT = b"cg-relay-test@example.net"
CLEARTEXT_MECHANISMS = {"PLAIN", "LOGIN"}


async def _smtp_command(conn, line: bytes) -> bytes:
    return await conn.ask(line + b"\r\n", until=numeric_reply_complete)


async def _ehlo(conn) -> bytes:
    """The EHLO reply (HELO's when EHLO is refused), after a 220 greeting."""
    greeting = await conn.read(until=numeric_reply_complete)
    if reply_code(greeting) != 220:
        raise EOFError("no SMTP greeting")
    reply = await _smtp_command(conn, b"EHLO scanner.example.org")
    if reply_code(reply) != 250:
        reply = await _smtp_command(conn, b"HELO scanner.example.org")
    return reply


async def _leave(conn, *lines: bytes) -> None:
    try:
        for line in lines:
            await conn.send(line + b"\r\n")
    except NET_ERRORS:
        pass


@register
class SmtpOpenRelay(Check):
    nvt = "CG-5001"
    name = "SMTP open relay"
    family = "mail"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:L"
    qod = 80  # a server may still refuse the message after DATA; we never go that far
    services = ("smtp", "smtps")
    summary = "The SMTP server accepts mail from an outside sender to an outside recipient (open relay)."
    insight = ("Without authentication, the server accepted MAIL FROM and RCPT TO for two domains that are not "
               "its own: it would forward anybody's mail to anybody.")
    affected = "Mail servers whose relay rules accept unauthenticated clients (Exim `relay_from_hosts`, Postfix `mynetworks`, ...)."
    impact = "Spammers and phishers can send mail through the server: its address gets blacklisted and its domain's reputation abused."
    solution = ("Relay only for authenticated users and trusted networks (Postfix: `smtpd_relay_restrictions = "
                "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination`; Exim: an ACL that "
                "accepts only local domains or authenticated senders).")
    solution_type = "Mitigation"
    references = ("https://www.rfc-editor.org/rfc/rfc5321#section-3.6", "https://www.rfc-editor.org/rfc/rfc2505")

    async def run(self, ctx, host, port):
        try:
            async with _untrusted_connection(ctx, host, port) as (conn, source):
                await _ehlo(conn)
                sender = await _smtp_command(conn, b"MAIL FROM:<" + RELAY_SENDER + b">")
                recipient = await _smtp_command(conn, b"RCPT TO:<" + RELAY_RECIPIENT + b">") if reply_code(sender) == 250 else b""
                await _leave(conn, b"RSET", b"QUIT")
        except NET_ERRORS:
            return []
        if reply_code(recipient) not in (250, 251):
            return []
        evidence = (f"MAIL FROM:<{RELAY_SENDER.decode()}> answered {' | '.join(lines_of(sender))}; "
                    f"RCPT TO:<{RELAY_RECIPIENT.decode()}> answered {' | '.join(lines_of(recipient))} (no DATA sent)")
        if source:
            evidence += f"; connected from {source}"
        return [self.finding(port, clip(evidence))]


@contextlib.asynccontextmanager
async def _untrusted_connection(ctx, host, port):
    """(conn, source address or "") for the relay and cleartext tests. Every default MTA
    configuration trusts 127.0.0.1 to relay (Exim's relay_from_hosts, Postfix's mynetworks), and
    Dovecot allows plaintext logins on a connection from its own address whatever
    disable_plaintext_auth says: seen from there, any server relays and takes passwords in clear.
    A loopback target is therefore tested from another loopback address, as an outside client
    would be; any other target from the scanner's own address."""
    source = outside_loopback_source(host.ip) or ""
    async with ctx.connect(host.ip, port.port, port.tls, host.hostname, source) as conn:
        yield conn, source


@register
class CleartextMailAuthentication(Check):
    nvt = "CG-5002"
    name = "Mail server allows cleartext authentication"
    family = "mail"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N"
    qod = 80
    pci_fail = True  # PCI ASV: credentials sent in clear text over a public network
    services = ("smtp", "pop3", "imap")
    summary = "The mail server accepts password authentication on an unencrypted connection."
    insight = ("Before any STARTTLS/STLS the server advertises cleartext login mechanisms (SMTP AUTH PLAIN/LOGIN, "
               "POP3 USER or SASL PLAIN/LOGIN, IMAP LOGIN without LOGINDISABLED): whether or not it offers "
               "STARTTLS, it does not require it, so a client may send its password in clear text.")
    affected = "SMTP submission, POP3 and IMAP servers that accept passwords without STARTTLS or without requiring it."
    impact = "An attacker on the network path can read mailbox passwords and mail, and take over the accounts."
    solution = ("Enable STARTTLS (or the implicit-TLS ports 465/993/995) and allow password authentication only "
                "over TLS (Dovecot: `disable_plaintext_auth = yes`; Postfix: `smtpd_tls_auth_only = yes`).")
    solution_type = "Mitigation"
    references = ("https://www.rfc-editor.org/rfc/rfc8314", "https://www.pcisecuritystandards.org/document_library/")

    def applies(self, host, port):
        return super().applies(host, port) and not port.tls

    async def run(self, ctx, host, port):
        advertised = {"smtp": _smtp_capabilities, "pop3": _pop3_capabilities, "imap": _imap_capabilities}[port.service]
        try:
            async with _untrusted_connection(ctx, host, port) as (conn, source):
                evidence = await advertised(conn)
        except NET_ERRORS:
            return []
        if not evidence:
            return []
        return [self.finding(port, clip(evidence + (f"; connected from {source}" if source else "")))]


async def _smtp_capabilities(conn) -> str:
    reply = await _ehlo(conn)
    await _leave(conn, b"QUIT")
    extensions = [line[4:].strip() for line in lines_of(reply)[1:]]
    upper = [e.upper() for e in extensions]
    mechanisms = {m for e in upper if re.match(r"^AUTH[ =]", e) for m in re.split(r"[ =]", e)[1:]}
    if not mechanisms & CLEARTEXT_MECHANISMS:
        return ""
    before = "EHLO before STARTTLS (offered, not required for AUTH): " if "STARTTLS" in upper else "EHLO without STARTTLS: "
    return before + " | ".join(lines_of(reply))


async def _pop3_capabilities(conn) -> str:
    greeting = await conn.read(until=lambda d: d.endswith(b"\n"))
    if not greeting.startswith(b"+OK"):
        raise EOFError("no POP3 greeting")
    reply = await conn.ask(b"CAPA\r\n", until=lambda d: d.endswith(b"\r\n.\r\n") or d.startswith(b"-ERR") and d.endswith(b"\n"))
    await _leave(conn, b"QUIT")
    if not reply.startswith(b"+OK"):
        return ""
    capabilities = [line.upper() for line in lines_of(reply)[1:] if line != "."]
    sasl = {m for c in capabilities if c.startswith("SASL") for m in c.split()[1:]}
    if not ("USER" in capabilities or sasl & CLEARTEXT_MECHANISMS):
        return ""
    before = "CAPA before STLS (offered, not required for USER/SASL PLAIN): " if "STLS" in capabilities else "CAPA without STLS: "
    return before + " | ".join(lines_of(reply)[1:-1])


async def _imap_capabilities(conn) -> str:
    greeting = await conn.read(until=lambda d: d.endswith(b"\n"))
    if not re.match(rb"^\* (OK|PREAUTH)", greeting, re.I):
        raise EOFError("no IMAP greeting")
    reply = await conn.ask(b"a1 CAPABILITY\r\n", until=lambda d: b"a1 " in d and d.endswith(b"\n"))
    await _leave(conn, b"a2 LOGOUT")
    listed = re.search(rb"^\* CAPABILITY ([^\r\n]*)", reply, re.I | re.M)
    if not listed:
        return ""
    capabilities = listed.group(1).decode("latin-1").upper().split()
    if "LOGINDISABLED" in capabilities:
        return ""
    before = ("CAPABILITY before STARTTLS without LOGINDISABLED (STARTTLS offered, not required for LOGIN): "
              if "STARTTLS" in capabilities else "CAPABILITY without STARTTLS or LOGINDISABLED (LOGIN allowed in clear text): ")
    return before + listed.group(0).decode("latin-1")

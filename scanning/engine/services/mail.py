"""Mail: SMTP (220 greeting, then EHLO for its extensions), POP3 (+OK, CAPA) and IMAP (* OK,
CAPABILITY)."""

import re

from .base import Match, cpe, first_line, line_complete

SMTP_WORDS = re.compile(r"smtp|postfix|exim|sendmail|mail", re.IGNORECASE)
FTP_WORDS = re.compile(r"ftp", re.IGNORECASE)
LAST_REPLY_LINE = re.compile(rb"(?:^|\n)\d{3} [^\n]*\n$")
# greeting pattern -> (product, CPE vendor, CPE product); a "version" group fills the version
SMTP_PRODUCTS = [
    (re.compile(r"ESMTP Postfix|Postfix", re.I), ("Postfix smtpd", "postfix", "postfix")),
    (re.compile(r"Exim (?P<version>\d[\w.]*)", re.I), ("Exim smtpd", "exim", "exim")),
    (re.compile(r"Sendmail (?P<version>\d[\w.]*)", re.I), ("Sendmail", "sendmail", "sendmail")),
    (re.compile(r"OpenSMTPD", re.I), ("OpenSMTPD", "openbsd", "opensmtpd")),
    (re.compile(r"Microsoft ESMTP MAIL Service(?:, Version: (?P<version>[\d.]+))?", re.I), ("Microsoft ESMTP", "microsoft", "exchange_server")),
]
POP3_PRODUCTS = [
    (re.compile(r"Dovecot", re.I), ("Dovecot pop3d", "dovecot", "dovecot")),
    (re.compile(r"Courier", re.I), ("Courier pop3d", "courier-mta", "courier")),
]
IMAP_PRODUCTS = [
    (re.compile(r"Dovecot", re.I), ("Dovecot imapd", "dovecot", "dovecot")),
    (re.compile(r"Courier-IMAP", re.I), ("Courier Imapd", "courier-mta", "courier-imap")),
    (re.compile(r"Cyrus IMAP(?:4)? v?(?P<version>\d[\w.-]*)", re.I), ("Cyrus imapd", "cmu", "cyrus_imap_server")),
]


def product_of(line: str, table) -> tuple[str, str, str]:
    for pattern, (product, vendor, cpe_product) in table:
        found = pattern.search(line)
        if found:
            version = (found.groupdict().get("version") or "").rstrip(".")
            return product, version, cpe(vendor, cpe_product, version)
    return "", "", ""


def smtp_complete(data: bytes) -> bool:
    return bool(LAST_REPLY_LINE.search(data))


async def banner_smtp(conn, greeting: bytes) -> Match | None:
    line = first_line(greeting)
    if not line.startswith("220") or (FTP_WORDS.search(line) and not SMTP_WORDS.search(line)):
        return None
    reply = await conn.ask(b"EHLO scanner.invalid\r\n", until=smtp_complete)
    if not reply.startswith(b"250") and not SMTP_WORDS.search(line):
        return None
    extensions = [item.decode("latin-1").strip()[4:] for item in reply.split(b"\n")[1:] if item.startswith(b"250")]
    auth = next((e.split()[1:] for e in extensions if e.upper().startswith("AUTH")), [])
    extra = {"smtp": {"extensions": extensions, "starttls": any(e.upper() == "STARTTLS" for e in extensions), "auth": auth}}
    await _quietly(conn, b"QUIT\r\n")
    product, version, cpe_uri = product_of(line, SMTP_PRODUCTS)
    return Match("smtp", product, version, cpe_uri, banner=line, extra=extra)


async def banner_pop3(conn, greeting: bytes) -> Match | None:
    line = first_line(greeting)
    if not line.startswith("+OK"):
        return None
    reply = await conn.ask(b"CAPA\r\n", until=lambda d: d.endswith(b"\n.\r\n") or d.startswith(b"-ERR") and line_complete(d))
    capabilities = [c.decode("latin-1").strip() for c in reply.split(b"\n")[1:] if c.strip() and c.strip() != b"."]
    await _quietly(conn, b"QUIT\r\n")
    product, version, cpe_uri = product_of(line, POP3_PRODUCTS)
    return Match("pop3", product, version, cpe_uri, banner=line, extra={"pop3": {"capabilities": capabilities}})


async def banner_imap(conn, greeting: bytes) -> Match | None:
    line = first_line(greeting)
    if not re.match(r"^\* (OK|PREAUTH)", line, re.I):
        return None
    listed = re.search(r"\[CAPABILITY ([^\]]*)\]", line, re.I)
    if listed:
        capabilities = listed.group(1).split()
    else:
        reply = await conn.ask(b"a1 CAPABILITY\r\n", until=lambda d: b"\na1 " in d and line_complete(d))
        found = re.search(rb"\* CAPABILITY ([^\r\n]*)", reply, re.I)
        capabilities = found.group(1).decode("latin-1").split() if found else []
    await _quietly(conn, b"a2 LOGOUT\r\n")
    product, version, cpe_uri = product_of(line, IMAP_PRODUCTS)
    return Match("imap", product, version, cpe_uri, banner=line, extra={"imap": {"capabilities": capabilities}})


async def _quietly(conn, data: bytes) -> None:
    try:
        await conn.send(data)
    except (OSError, TimeoutError):
        pass

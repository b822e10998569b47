"""FTP: the 220 greeting names the server (vsftpd, ProFTPD, Pure-FTPd, FileZilla, IIS)."""

import re

from .base import Match, cpe, first_line
from .mail import FTP_WORDS, product_of

FTP_PRODUCTS = [
    (re.compile(r"vsFTPd(?: (?P<version>\d[\w.]*))?", re.I), ("vsftpd", "beasts", "vsftpd")),
    # ProFTPD 1.3.6+ hides its version by default: "220 ProFTPD Server (Debian) [127.0.0.1]"
    (re.compile(r"ProFTPD(?: (?P<version>\d[\w.]*))?", re.I), ("ProFTPD", "proftpd", "proftpd")),
    (re.compile(r"Pure-FTPd", re.I), ("Pure-FTPd", "pureftpd", "pure-ftpd")),
    (re.compile(r"FileZilla Server (?:version )?(?P<version>\d[\w.]*)", re.I), ("FileZilla ftpd", "filezilla-project", "filezilla_server")),
    (re.compile(r"Microsoft FTP Service", re.I), ("Microsoft ftpd", "microsoft", "ftp_service")),
    (re.compile(r"Serv-U FTP Server v(?P<version>\d[\w.]*)", re.I), ("Serv-U ftpd", "serv-u", "serv-u")),
]


def _ftp(line: str) -> Match:
    product, version, cpe_uri = product_of(line, FTP_PRODUCTS)
    return Match("ftp", product, version, cpe_uri, banner=line)


async def banner_ftp(conn, greeting: bytes) -> Match | None:
    """A 220 greeting that says FTP (or names an FTP server)."""
    line = first_line(greeting)
    if line.startswith("220") and (FTP_WORDS.search(line) or product_of(line, FTP_PRODUCTS)[0]):
        return _ftp(line)
    return None


async def banner_vsftpd_refusal(conn, greeting: bytes) -> Match | None:
    """vsftpd that refuses every session still names itself: "500 OOPS: vsftpd: ..."."""
    line = first_line(greeting)
    if re.match(r"^500 OOPS: vsftpd", line):
        return Match("ftp", "vsftpd", "", cpe("beasts", "vsftpd"), banner=line)
    return None


async def banner_ftp_fallback(conn, greeting: bytes) -> Match | None:
    """Any other 220 greeting that SMTP's EHLO did not claim."""
    line = first_line(greeting)
    return _ftp(line) if re.match(r"^220[ -]", line) else None

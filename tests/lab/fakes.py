"""The lab's protocol-faithful servers (threads in the lab's process) for what Debian no longer
ships: an SSLv2/SSLv3 stack with RC4, 3DES and EXPORT suites, a TRACE echo, POP3/IMAP as Dovecot
answers, MongoDB and Elasticsearch, and product banners (known-vulnerable, end-of-life, current
and Debian builds)."""

from tests.scanning.engine.checks import legacy_servers
from tests.scanning.engine.checks.certs import make_cert
from tests.scanning.engine.checks.fakes import elasticsearch_handler, mongodb_handler
from tests.scanning.engine.checks.test_mail import IMAP_CLEAR, IMAP_TLS, POP3_CLEAR, POP3_TLS, imap, pop3
from tests.scanning.engine.servers import TcpService, banner, http

from .ports import HARDENED, HEADER_LOGS, WEAK, lab_port

SSL2, SSL3 = 0x0002, 0x0300
RC4_SHA, DES3_SHA, EXPORT_RC4_40 = 0x0005, 0x000A, 0x0003
PAGE = b"<!DOCTYPE html><html><head><title>Orders</title></head><body>Shop</body></html>"
APACHE_2449 = {"CG-CVE-2021-41773", "CG-CVE-2021-42013", "CG-CVE-2021-41524", "CG-CVE-2021-44790",
               "CG-CVE-2022-22720", "CG-CVE-2022-23943", "CG-CVE-2022-31813", "CG-CVE-2023-25690",
               "CG-CVE-2024-38476"}


def thread(stack, handler) -> int:
    service = TcpService(handler, "127.0.0.1")
    stack.callback(service.close)
    return service.port


def legacy_tls(stack, work):
    server = legacy_servers.LegacyTls({SSL2, SSL3}, (EXPORT_RC4_40, RC4_SHA, DES3_SHA), make_cert().der)
    port = thread(stack, server)
    return [lab_port("SSLv2/SSLv3 stack", "ssl_tls", WEAK, port,
                     expected={"CG-1001", "CG-1002", "CG-1005", "CG-1006", "CG-1008", "CG-1012"})]


def web_fakes(stack, work):
    return [lab_port("TRACE echo", "web_servers", WEAK, thread(stack, legacy_servers.trace_echo),
                     expected={"CG-2006"}, allowed=HEADER_LOGS)]


def mail_fakes(stack, work):
    """POP3 and IMAP as Dovecot answers, with and without disable_plaintext_auth (not installed here)."""
    return [lab_port("POP3 USER without STLS", "mail", WEAK, thread(stack, pop3(POP3_CLEAR)), expected={"CG-5002"}),
            lab_port("IMAP LOGIN in clear", "mail", WEAK, thread(stack, imap(IMAP_CLEAR)), expected={"CG-5002"}),
            lab_port("POP3 STLS", "mail", HARDENED, thread(stack, pop3(POP3_TLS))),
            lab_port("IMAP STARTTLS + LOGINDISABLED", "mail", HARDENED, thread(stack, imap(IMAP_TLS)))]


def nosql_fakes(stack, work):
    """MongoDB and Elasticsearch with and without access control (not in Debian)."""
    return [lab_port("MongoDB without access control", "databases", WEAK, thread(stack, mongodb_handler(auth=False)),
                     expected={"CG-6003"}),
            lab_port("MongoDB with access control", "databases", HARDENED, thread(stack, mongodb_handler(auth=True))),
            lab_port("Elasticsearch without security", "databases", WEAK,
                     thread(stack, elasticsearch_handler(auth=False)), expected={"CG-6004"}),
            lab_port("Elasticsearch answering 401", "databases", HARDENED, thread(stack, elasticsearch_handler(auth=True)))]


def versions(stack, work):
    """Banners of known-vulnerable, end-of-life, current and distribution builds."""
    web = {"CG-2005", *HEADER_LOGS}  # a Server header with a version: true, low
    return [
        lab_port("vsFTPd 2.3.4 banner", "known_vulnerable_versions", WEAK, thread(stack, banner(b"220 (vsFTPd 2.3.4)\r\n")),
                 expected={"CG-CVE-2011-2523"}),
        lab_port("Apache 2.4.49", "known_vulnerable_versions", WEAK, thread(stack, http(PAGE, b"Apache/2.4.49 (Unix)")),
                 expected={*APACHE_2449, "CG-2005"}, allowed=HEADER_LOGS),
        lab_port("Apache 2.2.34 (end of life)", "known_vulnerable_versions", WEAK,
                 thread(stack, http(PAGE, b"Apache/2.2.34 (Unix)")), expected={"CG-9001", "CG-2005"}, allowed=HEADER_LOGS),
        lab_port("Apache 2.4.62", "known_vulnerable_versions", HARDENED,
                 thread(stack, http(PAGE, b"Apache/2.4.62 (Unix)")), allowed=web),
        lab_port("OpenSSH 7.4 (upstream) banner", "known_vulnerable_versions", WEAK,
                 thread(stack, banner(b"SSH-2.0-OpenSSH_7.4\r\n")), expected={"CG-CVE-2018-15473"}),
        lab_port("OpenSSH 9.2p1 Debian-2+deb12u3 banner", "known_vulnerable_versions", HARDENED,
                 thread(stack, banner(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")), distribution=True),
        lab_port("OpenSSH 7.4p1 Debian-10+deb9u7 banner", "known_vulnerable_versions", HARDENED,
                 thread(stack, banner(b"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\r\n")), distribution=True),
        lab_port("Apache 2.4.56 (Debian) + PHP 7.4.33 build", "known_vulnerable_versions", HARDENED,
                 thread(stack, http(PAGE, b"Apache/2.4.56 (Debian)\r\nX-Powered-By: PHP/7.4.33-1+deb11u5")),
                 allowed=web, distribution=True),
    ]

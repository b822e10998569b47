"""What the SSL/TLS checks share: they apply to every TCP port detection found speaking TLS, and
to silent ports of unknown service, because a server that speaks only SSLv2 or SSLv3 fails the
detection's OpenSSL handshake and stays "unknown" there (a raw ClientHello still gets its answer)."""

from .base import Check


class TlsCheck(Check):
    family = "ssl_tls"
    tls_only = True

    def applies(self, host, port) -> bool:
        if port.protocol != "tcp":
            return False
        return port.tls or (port.service == "unknown" and not port.banner)

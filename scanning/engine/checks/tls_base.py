"""What the SSL/TLS checks share: they apply to every TCP port detection found speaking TLS, to
mail and FTP ports that may upgrade with STARTTLS (starttls.py: every probe then goes through the
upgrade, and the evidence says so), and to silent ports of unknown service, because a server that
speaks only SSLv2 or SSLv3 fails the detection's OpenSSL handshake and stays "unknown" there (a
raw ClientHello still gets its answer). On a port not known to speak TLS the checks first ask,
once for all of them, whether it answers a ClientHello: a server that refuses STARTTLS does not,
and is not TLS-checked."""

import asyncio
from dataclasses import replace

from .base import Check
from .starttls import starttls_protocol, via_starttls
from .tls_hello import SSL2, TLS12, shared_hello


async def _answers_hellos(ctx, host, port) -> bool:
    """A ServerHello or an alert answered; on a STARTTLS port, the server's yes to the upgrade is
    enough (a hello that fails there, e.g. Dovecot without DH parameters closing on a TLS 1.2
    hello that chose DHE, leaves the OpenSSL handshakes to judge the port)."""
    answers = await asyncio.gather(shared_hello(ctx, host, port, TLS12), shared_hello(ctx, host, port, SSL2), return_exceptions=True)
    upgraded = bool(starttls_protocol(port))
    return any(not isinstance(a, BaseException) and (a.version or a.alert or upgraded) for a in answers)


async def speaks_tls(ctx, host, port) -> bool:
    if port.tls:
        return True
    return await ctx.memo(("tls-speaks", host.ip, port.port), lambda: _answers_hellos(ctx, host, port))


class TlsCheck(Check):
    family = "ssl_tls"
    tls_only = True

    def applies(self, host, port) -> bool:
        if port.protocol != "tcp":
            return False
        return port.tls or bool(starttls_protocol(port)) or (port.service == "unknown" and not port.banner)

    async def run(self, ctx, host, port):
        if not await speaks_tls(ctx, host, port):
            return []
        findings = await self.probe(ctx, host, port)
        if starttls := starttls_protocol(port):
            findings = [replace(f, detection=via_starttls(f.detection, starttls)) for f in findings]
        return findings

    async def probe(self, ctx, host, port) -> list:
        """The findings on a port known to answer ClientHellos."""
        raise NotImplementedError

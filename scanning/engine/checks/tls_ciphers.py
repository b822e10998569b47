"""SSL/TLS family, CG-1005..1009: weak cipher suites accepted. Each check offers only the suites of
its class in raw ClientHellos (TLS 1.2 at most, so the server picks its own best version; SSL 3.0
too when the server speaks it) and lists the suites the server chose, one hello per suite found
(the chosen one is dropped from the next offer). The evidence names each suite and the version."""

import asyncio

from .base import register
from .starttls import starttls_protocol
from .tls_base import TlsCheck
from .tls_hello import SSL3, TLS12, VERSION_NAMES, hello, shared_hello
from .tls_suites import SUITES, WEAK_CLASSES

MOST_LISTED = 4  # suites named in the evidence before the check stops asking


class WeakCiphers(TlsCheck):
    suite_class = ""
    solution_type = "Mitigation"

    async def probe(self, ctx, host, port):
        suites = WEAK_CLASSES[self.suite_class]
        versions = [TLS12]
        if (await shared_hello(ctx, host, port, SSL3)).accepted:
            versions.append(SSL3)
        accepted: dict[str, int] = {}
        for version in versions:
            await self.enumerate(ctx, host, port, version, suites, accepted)
        if not accepted:
            return []
        listed = ", ".join(f"{name} ({VERSION_NAMES.get(v, hex(v))})" for name, v in sorted(accepted.items()))
        return [self.finding(port, f"Accepted cipher suites: {listed}")]

    async def enumerate(self, ctx, host, port, version, suites, accepted) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ctx.timeout  # on a slow server, name fewer suites rather than none
        answer = await shared_hello(ctx, host, port, version, suites, label=self.suite_class)
        remaining = list(suites)
        while answer.version and answer.cipher in remaining and len(accepted) < MOST_LISTED:
            accepted.setdefault(SUITES[answer.cipher], answer.version)
            remaining.remove(answer.cipher)
            if not remaining or loop.time() > deadline:
                return
            answer = await hello(ctx, host.ip, port.port, version, remaining, host.hostname, starttls_protocol(port))


@register
class RC4Ciphers(WeakCiphers):
    nvt = "CG-1005"
    name = "RC4 cipher suites accepted"
    suite_class = "rc4"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"
    qod = 98
    summary = "The service accepts TLS cipher suites that use the RC4 stream cipher."
    insight = ("RC4's keystream has statistical biases that allow plaintext recovery from many encryptions of the "
               "same data (RFC 7465 prohibits RC4 in TLS).")
    affected = "Services whose TLS configuration still allows RC4 suites."
    impact = "An attacker who observes enough connections can recover repeated plaintext such as cookies or passwords."
    solution = "Remove every RC4 cipher suite from the service's TLS configuration."
    cves = ("CVE-2013-2566", "CVE-2015-2808")
    references = ("https://www.rfc-editor.org/rfc/rfc7465", "https://www.isg.rhul.ac.uk/tls/")


@register
class Sweet32Ciphers(WeakCiphers):
    nvt = "CG-1006"
    name = "64-bit block cipher suites accepted (3DES, DES, IDEA: SWEET32)"
    suite_class = "64bit_block"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"
    qod = 98
    summary = "The service accepts TLS cipher suites with a 64-bit block cipher (3DES, DES, IDEA or RC2)."
    insight = ("With a 64-bit block, CBC ciphertext blocks collide after about 32 GB of traffic under one key (the "
               "birthday bound), which reveals the XOR of two plaintext blocks. Single DES also has a 56-bit key.")
    affected = "Services whose TLS configuration allows 3DES, DES, IDEA or RC2 cipher suites."
    impact = "An attacker who captures a long-lived connection can recover secrets such as session cookies (SWEET32)."
    solution = "Remove the 3DES, DES, IDEA and RC2 cipher suites from the service's TLS configuration."
    cves = ("CVE-2016-2183", "CVE-2016-6329")
    references = ("https://sweet32.info/", "https://www.rfc-editor.org/rfc/rfc8429")


@register
class NullCiphers(WeakCiphers):
    nvt = "CG-1007"
    name = "NULL (unencrypted) cipher suites accepted"
    suite_class = "null"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"
    qod = 98
    pci_fail = True  # no encryption at all: cardholder data would cross the network in clear text
    summary = "The service accepts TLS cipher suites that authenticate but do not encrypt the traffic."
    insight = "NULL cipher suites (RFC 5246) provide integrity only: the application data travels in clear text."
    affected = "Services whose TLS configuration allows eNULL cipher suites."
    impact = "Anyone in the network path can read the traffic a client believes to be encrypted."
    solution = "Remove every NULL cipher suite from the service's TLS configuration (OpenSSL: add !eNULL)."
    references = ("https://www.rfc-editor.org/rfc/rfc5246#appendix-A.5",)


@register
class ExportCiphers(WeakCiphers):
    nvt = "CG-1008"
    name = "EXPORT grade cipher suites accepted (FREAK, Logjam)"
    suite_class = "export"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"
    qod = 98
    pci_fail = True
    summary = "The service accepts EXPORT grade cipher suites (40- or 56-bit keys, 512-bit RSA or DH key exchange)."
    insight = ("EXPORT suites were deliberately weakened for 1990s US export rules. Their 512-bit key exchange can "
               "be broken in hours, and downgrade attacks (FREAK, Logjam) force them on clients that never offered them.")
    affected = "Services whose TLS configuration allows EXPORT cipher suites."
    impact = "An attacker in the network path can decrypt and modify the traffic."
    solution = "Remove every EXPORT cipher suite from the service's TLS configuration (OpenSSL: add !EXPORT)."
    cves = ("CVE-2015-0204", "CVE-2015-4000")
    references = ("https://freakattack.com/", "https://weakdh.org/")


@register
class AnonymousCiphers(WeakCiphers):
    nvt = "CG-1009"
    name = "Anonymous (unauthenticated) cipher suites accepted"
    suite_class = "anonymous"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"
    qod = 98
    pci_fail = True
    summary = "The service accepts anonymous Diffie-Hellman cipher suites, in which the server proves no identity."
    insight = "ADH and AECDH suites (RFC 5246, RFC 4492) use no certificate, so nothing authenticates the key exchange."
    affected = "Services whose TLS configuration allows aNULL cipher suites."
    impact = "An attacker in the network path can impersonate the server and read or modify all traffic (man in the middle)."
    solution = "Remove every anonymous cipher suite from the service's TLS configuration (OpenSSL: add !aNULL)."
    references = ("https://www.rfc-editor.org/rfc/rfc5246#appendix-A.5", "https://www.rfc-editor.org/rfc/rfc4492")

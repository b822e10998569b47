"""SSL/TLS family, CG-1001..1004: legacy protocol versions accepted. Each is one raw ClientHello
offering that version (and every suite we know); a ServerHello for that very version is the
evidence. The PCI DSS (requirement 4.2.1, and the ASV programme guide) makes SSL and early TLS an
automatic failure."""

from .base import register
from .tls_base import TlsCheck
from .tls_hello import SSL2, SSL3, TLS10, TLS11, VERSION_NAMES, shared_hello

PCI_REFERENCE = "https://blog.pcisecuritystandards.org/are-you-ready-for-30-june-2018-sayin-goodbye-to-ssl-early-tls"


class ProtocolAccepted(TlsCheck):
    version = 0
    pci_fail = True
    solution_type = "Mitigation"

    async def probe(self, ctx, host, port):
        answer = await shared_hello(ctx, host, port, self.version)
        if not answer.accepted:
            return []
        name = VERSION_NAMES[self.version]
        detection = f"The server accepted a {name} ClientHello: ServerHello version {answer.version_name}, cipher {answer.cipher_name}"
        return [self.finding(port, detection)]


@register
class SSLv2Accepted(ProtocolAccepted):
    nvt = "CG-1001"
    name = "SSL version 2 (SSLv2) protocol accepted"
    version = SSL2
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"
    qod = 98
    summary = "The service accepts connections with the SSL 2.0 protocol."
    insight = ("SSL 2.0 (1995) is broken by design: no handshake integrity (cipher suite downgrade), weak MAC "
               "construction, export-grade ciphers, and truncation attacks. A server that speaks SSLv2 also exposes "
               "its RSA key to the DROWN attack, which decrypts TLS sessions of any server sharing that key.")
    affected = "Any service that has SSL 2.0 enabled."
    impact = "An attacker in the network path can decrypt or tamper with the encrypted traffic (DROWN, CVE-2016-0800)."
    solution = "Disable SSL 2.0 in the service's TLS configuration and allow only TLS 1.2 and TLS 1.3."
    cves = ("CVE-2016-0800",)
    references = ("https://www.rfc-editor.org/rfc/rfc6176", "https://drownattack.com/", PCI_REFERENCE)


@register
class SSLv3Accepted(ProtocolAccepted):
    nvt = "CG-1002"
    name = "SSL version 3 (SSLv3) protocol accepted"
    version = SSL3
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"
    qod = 98
    summary = "The service accepts connections with the SSL 3.0 protocol."
    insight = ("SSL 3.0's CBC padding is not covered by the MAC, which makes it vulnerable to the POODLE padding "
               "oracle attack; its only other cipher choice is RC4. RFC 7568 deprecates it.")
    affected = "Any service that has SSL 3.0 enabled."
    impact = "An attacker in the network path can decrypt parts of the encrypted traffic, such as session cookies (POODLE, CVE-2014-3566)."
    solution = "Disable SSL 3.0 in the service's TLS configuration and allow only TLS 1.2 and TLS 1.3."
    cves = ("CVE-2014-3566",)
    references = ("https://www.rfc-editor.org/rfc/rfc7568", "https://www.openssl.org/~bodo/ssl-poodle.pdf", PCI_REFERENCE)


@register
class TLSv10Accepted(ProtocolAccepted):
    nvt = "CG-1003"
    name = "TLS version 1.0 (TLSv1.0) protocol accepted"
    version = TLS10
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N"
    qod = 98
    summary = "The service accepts connections with the deprecated TLS 1.0 protocol."
    insight = ("TLS 1.0 uses a predictable CBC initialisation vector (BEAST), MD5/SHA-1 based handshake hashing and "
               "lacks modern AEAD cipher suites. RFC 8996 deprecates it; PCI DSS forbids it as 'early TLS'.")
    affected = "Any service that has TLS 1.0 enabled."
    impact = "An attacker in the network path may decrypt parts of the traffic (BEAST, CVE-2011-3389) or force weaker cryptography."
    solution = "Disable TLS 1.0 in the service's TLS configuration and allow only TLS 1.2 and TLS 1.3."
    cves = ("CVE-2011-3389",)
    references = ("https://www.rfc-editor.org/rfc/rfc8996", PCI_REFERENCE)


@register
class TLSv11Accepted(ProtocolAccepted):
    nvt = "CG-1004"
    name = "TLS version 1.1 (TLSv1.1) protocol accepted"
    version = TLS11
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N"
    qod = 98
    summary = "The service accepts connections with the deprecated TLS 1.1 protocol."
    insight = ("TLS 1.1 still relies on MD5/SHA-1 in its handshake and offers no AEAD cipher suites. RFC 8996 "
               "deprecates it; PCI DSS counts it as 'early TLS'.")
    affected = "Any service that has TLS 1.1 enabled."
    impact = "Clients can be held to weaker cryptography than TLS 1.2 and 1.3 provide."
    solution = "Disable TLS 1.1 in the service's TLS configuration and allow only TLS 1.2 and TLS 1.3."
    references = ("https://www.rfc-editor.org/rfc/rfc8996", PCI_REFERENCE)

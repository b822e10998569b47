"""SSL/TLS family, CG-1010..1016: what is wrong with the server's certificate. All of them read
the one certificate fetched per port (tls_certificate.py); the evidence is the certificate field
and its value."""

import asyncio
import socket
from datetime import UTC, datetime
from ipaddress import ip_address

from cryptography.exceptions import UnsupportedAlgorithm

from ..tls import is_self_signed
from .base import register
from .tls_base import TlsCheck
from .tls_certificate import (
    SELF_SIGNED_CODES,
    VALIDITY_CODES,
    chain_verdict,
    key_description,
    name_matches,
    names,
    server_certificate,
)

WEAK_HASHES = {"md2", "md4", "md5", "sha1"}
MIN_BITS = {"RSA": 2048, "DSA": 2048, "EC": 224}


async def reverse_name(ctx, ip: str) -> str:
    """The name the address resolves back to ("" when none), looked up once per address per run."""

    async def lookup():
        try:
            name, _port = await asyncio.wait_for(asyncio.get_running_loop().getnameinfo((ip, 0), socket.NI_NAMEREQD),
                                                 ctx.timeout)
        except (OSError, TimeoutError):
            return ""
        return "" if name == ip else name

    return await ctx.memo(("reverse-name", ip), lookup)


class CertificateCheck(TlsCheck):
    solution_type = "Mitigation"
    qod = 95

    async def probe(self, ctx, host, port):
        certificate = await server_certificate(ctx, host, port)
        if certificate is None:
            return []
        detection = await self.problem(ctx, host, port, certificate)
        return [self.finding(port, detection)] if detection else []

    async def problem(self, ctx, host, port, certificate) -> str:
        """The evidence of the weakness, or "" when this certificate does not have it."""
        raise NotImplementedError


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@register
class CertificateExpired(CertificateCheck):
    nvt = "CG-1010"
    name = "SSL/TLS certificate expired"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N"
    summary = "The server's certificate, or an intermediate CA certificate it sends, is past its notAfter date."
    insight = ("Clients reject an expired certificate, or users learn to click through the warning, which defeats server "
               "authentication. An expired intermediate CA certificate in the chain the server sends breaks the chain "
               "for clients just the same.")
    affected = "Services presenting an expired certificate, or an expired intermediate CA certificate in their chain."
    impact = "Users trained to accept certificate warnings can be intercepted by an attacker presenting any certificate."
    solution = ("Replace the certificate (or the intermediate CA certificate the server sends) with a valid one and "
                "automate its renewal (for example with ACME).")
    references = ("https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5", "https://www.rfc-editor.org/rfc/rfc5280#section-6.1.3")

    async def problem(self, ctx, host, port, certificate):
        now = datetime.now(UTC)
        not_after = certificate.cert.not_valid_after_utc
        if not_after < now:
            return f"notAfter: {_when(not_after)} (subject: {certificate.subject})"
        expired = [sent for sent in certificate.intermediates if sent.not_valid_after_utc < now]
        if not expired or await chain_verdict(ctx, host, port) is None:
            return ""  # a chain that verifies does not need it (an old cross-signature left in the chain)
        return f"notAfter: {_when(expired[0].not_valid_after_utc)} ({certificate.intermediate_note(expired[0])})"


@register
class CertificateNotYetValid(CertificateCheck):
    nvt = "CG-1011"
    name = "SSL/TLS certificate not yet valid"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N"
    summary = "The server's certificate has a notBefore date in the future."
    insight = "Clients reject a certificate before its validity period starts; a wrong system clock on the issuing side is a common cause."
    affected = "Services presenting a certificate whose validity has not begun."
    impact = "Clients fail to connect or users learn to accept certificate warnings."
    solution = "Install a certificate whose validity period has started, and check the clocks of the issuing system."
    references = ("https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5",)

    async def problem(self, ctx, host, port, certificate):
        not_before = certificate.cert.not_valid_before_utc
        if not_before <= datetime.now(UTC):
            return ""
        return f"notBefore: {_when(not_before)} (subject: {certificate.subject})"


@register
class CertificateSelfSigned(CertificateCheck):
    nvt = "CG-1012"
    name = "SSL/TLS certificate is self-signed"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N"
    summary = "The server presents a self-signed certificate: no certificate authority vouches for it."
    insight = "A self-signed certificate cannot be told apart from one an attacker made, unless each client pins it."
    affected = "Services presenting a self-signed certificate."
    impact = "Clients cannot authenticate the server; an attacker in the network path can impersonate it."
    solution = "Install a certificate issued by a certificate authority the clients trust (a public CA, or the organisation's own CA deployed to every client)."
    references = ("https://www.rfc-editor.org/rfc/rfc5280#section-6",)

    async def problem(self, ctx, host, port, certificate):
        if not is_self_signed(certificate.cert):
            verdict = await chain_verdict(ctx, host, port)
            if not (verdict and verdict[0] in SELF_SIGNED_CODES):
                return ""
        return f"Self-signed certificate: subject and issuer {certificate.subject}"


@register
class CertificateUntrusted(CertificateCheck):
    nvt = "CG-1013"
    name = "SSL/TLS certificate chain not trusted"
    # Low on purpose: a private CA that clients are given is a legitimate setup this scanner cannot see.
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:N/I:L/A:N"
    summary = "The server's certificate chain does not lead to a certificate authority in the scanner's trust store."
    insight = ("The certificate is issued by a CA unknown to the system trust store (a private CA, or a missing "
               "intermediate certificate on the server). Clients that do not have that CA reject the connection.")
    affected = "Services with a certificate from a private CA or an incomplete chain."
    impact = "Clients without the CA cannot authenticate the server, and users may learn to accept certificate warnings."
    solution = "Serve the complete chain, and use a certificate from a CA every client trusts (or deploy the private CA to every client)."
    references = ("https://www.rfc-editor.org/rfc/rfc5280#section-6",)

    async def problem(self, ctx, host, port, certificate):
        if is_self_signed(certificate.cert):
            return ""  # CG-1012 says it
        verdict = await chain_verdict(ctx, host, port)
        if verdict is None or verdict[0] < 0 or verdict[0] in SELF_SIGNED_CODES | VALIDITY_CODES:
            return ""
        return f"Chain not trusted: {verdict[1]} (issuer: {certificate.issuer}; subject: {certificate.subject})"


@register
class CertificateWrongHost(CertificateCheck):
    nvt = "CG-1014"
    name = "SSL/TLS certificate does not match the host name"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N"
    summary = "The server's certificate is not valid for the name (or address) the service was reached by."
    insight = ("Clients check that the requested host name is among the certificate's subjectAltName entries (RFC "
               "6125); a mismatch makes them reject the connection or show a warning.")
    affected = "Services presenting a certificate made for another name."
    impact = "Users learn to accept certificate warnings, and an attacker presenting any certificate can intercept them."
    solution = "Install a certificate whose subjectAltName lists every name (and address) clients use to reach the service."
    references = ("https://www.rfc-editor.org/rfc/rfc6125#section-6.4",)

    async def problem(self, ctx, host, port, certificate):
        dns_names, addresses, common_name = names(certificate.cert)
        listed = ", ".join([*dns_names, *addresses]) or f"CN={common_name}"
        if host.hostname:  # the scan used a name: it must be in the certificate
            candidates = dns_names or ([common_name] if common_name and not addresses else [])
            if any(name_matches(pattern, host.hostname) for pattern in candidates):
                return ""
            return f"Host name {host.hostname} not in the certificate's names: {listed}"
        if addresses:
            if ip_address(host.ip) not in {ip_address(a) for a in addresses}:
                return f"Address {host.ip} not in the certificate's addresses: {listed}"
            return ""
        # Scanned by address, and the certificate names no address: judge it by the address's own
        # name (reverse DNS, /etc/hosts for loopback), as Greenbone does; no name, no judgement.
        reverse = await reverse_name(ctx, host.ip)
        candidates = dns_names or ([common_name] if common_name else [])
        if not reverse or any(name_matches(pattern, reverse) for pattern in candidates):
            return ""
        return f"Host name {reverse} (reverse DNS of {host.ip}) not in the certificate's names: {listed}"


@register
class CertificateShortKey(CertificateCheck):
    nvt = "CG-1015"
    name = "SSL/TLS certificate with a short public key"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"
    summary = "The server's certificate carries an RSA or DSA key under 2048 bits, or an EC key under 224 bits."
    insight = ("NIST SP 800-131A disallows RSA and DSA keys shorter than 2048 bits and elliptic curves under 224 bits "
               "since 2013: such keys are within reach of well-funded attackers.")
    affected = "Services presenting a certificate with a short key."
    impact = "An attacker who factors the key can impersonate the server and decrypt recorded RSA key exchanges."
    solution = "Issue a new certificate with an RSA key of at least 2048 bits or an EC key of at least 256 bits."
    references = ("https://csrc.nist.gov/publications/detail/sp/800-131a/rev-2/final",)

    async def problem(self, ctx, host, port, certificate):
        kind, bits = key_description(certificate.cert)
        minimum = MIN_BITS.get(kind.split(" ")[0])
        if minimum is None or not bits or bits >= minimum:
            return ""
        return f"Public key: {kind} {bits} bits (subject: {certificate.subject})"


@register
class CertificateWeakSignature(CertificateCheck):
    nvt = "CG-1016"
    name = "SSL/TLS certificate signed with a weak hash (SHA-1, MD5)"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N"
    summary = "The server's certificate, or an intermediate CA certificate it sends, is signed with SHA-1 or MD5."
    insight = ("Chosen-prefix collisions exist for MD5 (2008, a rogue CA certificate) and SHA-1 (2020, SHA-1 is a "
               "Shambles): an attacker can obtain a signature valid for a certificate of their own.")
    affected = "Services presenting a certificate, or an intermediate CA certificate, signed with MD5 or SHA-1."
    impact = "An attacker may forge a certificate that clients accept for this server."
    solution = "Re-issue the certificate (or use an intermediate CA certificate) with a SHA-256 (or stronger) signature."
    cves = ("CVE-2004-2761",)
    references = ("https://sha-mbles.github.io/", "https://www.win.tue.nl/hashclash/rogue-ca/")

    async def problem(self, ctx, host, port, certificate):
        if algorithm := weak_signature(certificate.cert):
            return f"Signature algorithm: {algorithm} (subject: {certificate.subject})"
        for sent in certificate.intermediates:  # a weak link anywhere below the root: a forged CA
            if algorithm := weak_signature(sent):
                return f"Signature algorithm: {algorithm} ({certificate.intermediate_note(sent)})"
        return ""


def weak_signature(cert) -> str:
    """The name of the certificate's signature algorithm when its hash is weak, else ""."""
    try:
        hash_name = getattr(cert.signature_hash_algorithm, "name", "") or ""
    except UnsupportedAlgorithm:
        return ""
    if hash_name.lower() not in WEAK_HASHES:
        return ""
    oid = cert.signature_algorithm_oid
    return getattr(oid, "_name", "") or oid.dotted_string

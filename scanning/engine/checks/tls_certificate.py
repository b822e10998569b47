"""The server certificate, fetched once per port and shared by the certificate checks: an
OpenSSL handshake that accepts anything (every version and cipher this OpenSSL still speaks),
else the certificate list of a raw ClientHello's answer (an SSLv3-only server); with it, the
other certificates the server sent (its intermediate CAs, as sent: not verified). A second
handshake, verifying against the system's trust store, says whether the chain is trusted and if
not, why (OpenSSL's verify code)."""

import _ssl
import asyncio
import contextlib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from ..tls import is_self_signed
from .starttls import open_tls_stream, starttls_protocol
from .tls_hello import SSL3, TLS12, shared_hello

SELF_SIGNED_CODES = {18}  # X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
VALIDITY_CODES = {9, 10}  # not yet valid, expired: the chain itself was built
HOSTNAME_CODES = {62}  # X509_V_ERR_HOSTNAME_MISMATCH (never asked for: names are checked here)


@dataclass
class ServerCertificate:
    cert: x509.Certificate
    der: bytes
    protocol: str  # the version the certificate was seen with
    sent_after: list = field(default_factory=list)  # x509.Certificate: the rest of the chain the server sent

    @property
    def subject(self) -> str:
        return self.cert.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.cert.issuer.rfc4514_string()

    @property
    def intermediates(self) -> list:
        """The CA certificates sent that chain up from the server's own, in order: each one's
        issuer by name and signature (a time-valid one first when several are), up to but not
        including a self-signed root (clients take their own roots). A certificate sent that no
        path uses (an unrelated or left-over one) is not among them."""
        path, current = [], self.cert
        while True:
            issuers = [sent for sent in self.sent_after if sent not in path and _issued(current, sent)]
            if not issuers:
                return path
            current = min(issuers, key=lambda sent: sent.not_valid_after_utc < datetime.now(UTC))
            path.append(current)

    def intermediate_note(self, sent) -> str:
        return f"intermediate CA certificate sent by the server, subject: {sent.subject.rfc4514_string()}; " \
               f"server certificate: {self.subject}"


def permissive_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    _widen(context)
    return context


def verifying_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    _widen(context)  # judge the chain, not the protocol version or key size (other checks do that)
    return context


def _widen(context) -> None:
    with contextlib.suppress(ValueError, ssl.SSLError):
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        context.set_ciphers("ALL:@SECLEVEL=0")


async def _handshake(ctx, host, port, context):
    """(certificate DER, protocol version, DER of the rest of the chain sent) of a completed
    handshake with `context` (closed again at once)."""
    _reader, writer = await open_tls_stream(ctx, host.ip, port.port, starttls_protocol(port))
    try:
        options = {"server_hostname": host.hostname or None, "ssl_handshake_timeout": ctx.timeout}
        await asyncio.wait_for(writer.start_tls(context, **options), ctx.timeout)
        ssl_object = writer.get_extra_info("ssl_object")
        return ssl_object.getpeercert(binary_form=True), ssl_object.version() or "", _sent_chain(ssl_object)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1.0)


def _issued(cert, by) -> bool:
    """`by` is a CA certificate (not a self-signed root) whose name and key signed `cert`."""
    if cert.issuer != by.subject or is_self_signed(by):
        return False
    try:
        cert.verify_directly_issued_by(by)
    except InvalidSignature:
        return False
    except (ValueError, TypeError):  # an algorithm cryptography cannot check: the names decide
        return True
    return True


def _sent_chain(ssl_object) -> list[bytes]:
    """DER of the certificates the server sent after its own. Python 3.13 has the public
    SSLObject.get_unverified_chain() (DER bytes); 3.10 to 3.12 have it on the _ssl object only."""
    getter = getattr(ssl_object, "get_unverified_chain", None) or getattr(
        getattr(ssl_object, "_sslobj", None), "get_unverified_chain", None)
    if getter is None:
        return []
    chain = getter() or []
    return [c if isinstance(c, bytes) else c.public_bytes(_ssl.ENCODING_DER) for c in chain[1:]]


def _load(ders) -> list[x509.Certificate]:
    loaded = []
    for der in ders:
        with contextlib.suppress(ValueError):
            loaded.append(x509.load_der_x509_certificate(der))
    return loaded


async def _fetch(ctx, host, port) -> ServerCertificate | None:
    try:
        der, protocol, rest = await _handshake(ctx, host, port, permissive_context())
    except (OSError, TimeoutError, EOFError, ssl.SSLError, ValueError):
        der = None
    if not der:
        for version in (TLS12, SSL3):
            answer = await shared_hello(ctx, host, port, version)
            if answer.certificates:
                der, protocol, rest = answer.certificates[0], answer.version_name, answer.certificates[1:]
                break
    if not der:
        return None
    try:
        return ServerCertificate(x509.load_der_x509_certificate(der), der, protocol, _load(rest))
    except ValueError:
        return None


async def server_certificate(ctx, host, port) -> ServerCertificate | None:
    return await ctx.memo(("tls-cert", host.ip, port.port), lambda: _fetch(ctx, host, port))


async def _verify(ctx, host, port) -> tuple[int, str] | None:
    """None when the chain verifies; else (OpenSSL verify code, message). A handshake that fails
    for another reason (protocol, network) gives (-1, reason): no verdict."""
    try:
        await _handshake(ctx, host, port, verifying_context())
    except ssl.SSLCertVerificationError as exc:
        return exc.verify_code, exc.verify_message
    except (OSError, TimeoutError, EOFError, ssl.SSLError, ValueError) as exc:
        return -1, str(exc)
    return None


async def chain_verdict(ctx, host, port):
    return await ctx.memo(("tls-verify", host.ip, port.port), lambda: _verify(ctx, host, port))

def key_description(cert: x509.Certificate) -> tuple[str, int]:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC ({key.curve.name})", key.curve.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, 0


def names(cert: x509.Certificate) -> tuple[list[str], list[str], str]:
    """(DNS names, IP addresses) of the subjectAltName, and the subject's common name."""
    common = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    common_name = str(common[0].value) if common else ""
    try:
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return [], [], common_name
    return alt.get_values_for_type(x509.DNSName), [str(ip) for ip in alt.get_values_for_type(x509.IPAddress)], common_name


def name_matches(pattern: str, hostname: str) -> bool:
    """RFC 6125 6.4: case-insensitive; a wildcard only as the whole left-most label, matching one label."""
    pattern, hostname = pattern.lower().rstrip("."), hostname.lower().rstrip(".")
    if pattern == hostname:
        return True
    if not pattern.startswith("*."):
        return False
    first, _dot, rest = hostname.partition(".")
    return bool(first) and rest == pattern[2:] and "." in rest

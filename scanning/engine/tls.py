"""TLS detection: a permissive handshake (no verification, every protocol and cipher OpenSSL
still allows) and the facts the SSL/TLS checks need from the session and the certificate."""

import hashlib
import ssl
from datetime import UTC

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa


def client_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        context.set_ciphers("ALL:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        pass
    return context


def session_facts(ssl_object) -> dict:
    """{"version", "cipher", "cipher_bits", "cert_*" ...} of an established TLS connection."""
    cipher = ssl_object.cipher() or ("", "", 0)
    facts = {"version": ssl_object.version() or "", "cipher": cipher[0], "cipher_bits": cipher[2] or 0}
    der = ssl_object.getpeercert(binary_form=True)
    if der:
        facts.update(certificate_facts(der))
    return facts


def certificate_facts(der: bytes) -> dict:
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        return {"cert_error": str(exc)}
    key = cert.public_key()
    return {
        "cert_subject": cert.subject.rfc4514_string(),
        "cert_issuer": cert.issuer.rfc4514_string(),
        "cert_common_name": _common_name(cert.subject),
        "cert_san": _alt_names(cert),
        "not_before": cert.not_valid_before_utc.astimezone(UTC).isoformat(),
        "not_after": cert.not_valid_after_utc.astimezone(UTC).isoformat(),
        "self_signed": is_self_signed(cert),
        "key_type": _key_type(key),
        "key_bits": getattr(key, "key_size", 0) or _fixed_bits(key),
        "signature_algorithm": getattr(cert.signature_hash_algorithm, "name", "") or "",
        "serial": format(cert.serial_number, "x"),
        "sha256": hashlib.sha256(der).hexdigest(),
    }


def _common_name(name) -> str:
    values = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def _alt_names(cert) -> list[str]:
    try:
        extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (x509.ExtensionNotFound, ValueError):
        return []
    names = extension.value.get_values_for_type(x509.DNSName)
    names += [str(ip) for ip in extension.value.get_values_for_type(x509.IPAddress)]
    return names


def is_self_signed(cert) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except InvalidSignature:
        return False
    except (ValueError, TypeError):  # a key or algorithm cryptography cannot check: names decide
        return True
    return True


def _key_type(key) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC"
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return "EdDSA"
    return type(key).__name__


def _fixed_bits(key) -> int:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return 256
    if isinstance(key, ed448.Ed448PublicKey):
        return 456
    return 0

"""Certificates for the TLS check tests, made with `cryptography`: a test CA, certificates it
issues, and self-signed ones with whatever is wrong with them (expired, short key, SHA-1 ...)."""

import datetime
import shutil
import subprocess
from dataclasses import dataclass
from ipaddress import ip_address

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.UTC)
DAY = datetime.timedelta(days=1)


@dataclass
class Issued:
    cert: x509.Certificate
    key: object

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def write(self, directory, stem: str, chain=()) -> tuple[str, str]:
        """The certificate (followed by the `chain` certificates, as servers send them) and key, as PEM files."""
        cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
        cert_path.write_bytes(b"".join(c.cert.public_bytes(serialization.Encoding.PEM) for c in (self, *chain)))
        key_path.write_bytes(self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return str(cert_path), str(key_path)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(common_name: str = "CG Test Root CA", issuer: Issued | None = None, not_before=None, not_after=None) -> Issued:
    """A root CA, or an intermediate CA when `issuer` is given."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common_name))
        .issuer_name(issuer.cert.subject if issuer else _name(common_name))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - 30 * DAY).not_valid_after(not_after or NOW + 3650 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0 if issuer else None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .sign(issuer.key if issuer else key, hashes.SHA256())
    )
    return Issued(cert, key)


def cross_sign(ca: Issued, by: Issued, not_before=None, not_after=None) -> Issued:
    """`ca`'s name and key certified by another CA (a cross-signature, as public CAs send for old clients)."""
    cert = (
        x509.CertificateBuilder().subject_name(ca.cert.subject).issuer_name(by.cert.subject)
        .public_key(ca.key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - 30 * DAY).not_valid_after(not_after or NOW + 3650 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(by.key, hashes.SHA256())
    )
    return Issued(cert, ca.key)


def make_cert(common_name="localhost", dns=("localhost",), ips=("127.0.0.1",), issuer: Issued | None = None,
              key_bits=2048, curve=None, not_before=None, not_after=None, digest=hashes.SHA256) -> Issued:
    """A server certificate; issuer None = self-signed."""
    key = ec.generate_private_key(curve) if curve else rsa.generate_private_key(public_exponent=65537, key_size=key_bits)
    builder = (
        x509.CertificateBuilder().subject_name(_name(common_name))
        .issuer_name(issuer.cert.subject if issuer else _name(common_name))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - DAY).not_valid_after(not_after or NOW + 365 * DAY)
    )
    alt = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ip_address(i)) for i in ips]
    if alt:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    return Issued(builder.sign(issuer.key if issuer else key, digest()), key)


def sha1_intermediate(root: Issued, directory, common_name="CG Test SHA-1 Intermediate CA") -> Issued:
    """An intermediate CA signed by `root` with SHA-1, made by the openssl command (`cryptography`
    no longer signs with SHA-1)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    request = x509.CertificateSigningRequestBuilder().subject_name(_name(common_name)).sign(key, hashes.SHA256())
    root_crt, root_key = root.write(directory, "sha1-signing-root")
    (directory / "intermediate.csr").write_bytes(request.public_bytes(serialization.Encoding.PEM))
    (directory / "intermediate.ext").write_text("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
    subprocess.run(  # noqa: S603
        [shutil.which("openssl"), "x509", "-req", "-sha1", "-in", str(directory / "intermediate.csr"), "-CA", root_crt,
         "-CAkey", root_key, "-set_serial", str(x509.random_serial_number()), "-days", "365",
         "-extfile", str(directory / "intermediate.ext"), "-out", str(directory / "intermediate.crt")],
        check=True, capture_output=True,
    )
    return Issued(x509.load_pem_x509_certificate((directory / "intermediate.crt").read_bytes()), key)

"""GMP (the Greenbone Management Protocol) over TLS: just enough to ask a scanner its version,
which needs no credentials. `verify` uses it, so an answer means a GMP server answered, not
merely that a port was open. The caller passes an address it has already checked
(events.services.ssrf): this module never resolves a name itself."""

import socket
import ssl
import time

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

GMP_PORT = 9390
READ_LIMIT = 64 * 1024  # a get_version answer is a few hundred bytes
TIMEOUT = 5.0  # seconds for the connection and for the whole answer


class GmpError(Exception):
    """The scanner could not be asked; the message says why, without echoing what it sent."""


def get_version(address, port=GMP_PORT, *, server_name=None, ca_pem="", timeout=TIMEOUT):
    """The GMP version (e.g. "22.4") the server at `address`:`port` announces."""
    context = _tls_context(ca_pem)
    deadline = time.monotonic() + timeout
    try:
        raw = socket.create_connection((str(address), port), timeout=timeout)
    except OSError:
        raise GmpError("could not connect to the scanner") from None
    with raw:
        try:
            with context.wrap_socket(raw, server_hostname=server_name or None) as tls:
                tls.sendall(b"<get_version/>")
                answer = _read_answer(tls, deadline)
        except ssl.SSLCertVerificationError:
            raise GmpError("the scanner's certificate is not signed by its ca_pub") from None
        except (ssl.SSLError, OSError):
            raise GmpError("the peer does not speak GMP over TLS (no TLS handshake or no answer)") from None
    return parse_version(answer)


def parse_version(answer: bytes) -> str:
    try:
        root = ElementTree.fromstring(answer)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise GmpError("the peer does not speak GMP (its answer to get_version is not GMP)") from None
    if root.tag != "get_version_response":
        raise GmpError("the peer does not speak GMP (its answer to get_version is not GMP)")
    if root.get("status") != "200":
        raise GmpError(f"the scanner refused get_version (status {str(root.get('status'))[:3]})")
    version = (root.findtext("version") or "").strip()
    if not version:
        raise GmpError("the scanner's get_version answer has no version")
    return version[:64]


def _tls_context(ca_pem):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # gvmd certificates seldom name the host; ca_pub pins the issuer
    if ca_pem:
        try:
            context.load_verify_locations(cadata=ca_pem)
        except (ssl.SSLError, ValueError):
            raise GmpError("ca_pub is not a PEM certificate") from None
        context.verify_mode = ssl.CERT_REQUIRED
    else:
        context.verify_mode = ssl.CERT_NONE  # gvmd's default certificate is self-signed
    return context


def _read_answer(tls, deadline):
    data = b""
    while len(data) < READ_LIMIT and not _complete(data):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        tls.settimeout(remaining)
        chunk = tls.recv(4096)
        if not chunk:
            break
        data += chunk
    return data[:READ_LIMIT]


def _complete(data):
    stripped = data.rstrip()
    return b"</get_version_response>" in data or (stripped.startswith(b"<get_version_response") and stripped.endswith(b"/>"))

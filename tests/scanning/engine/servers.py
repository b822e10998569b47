"""Real listening services for the engine tests: sockets on 127.0.0.x ephemeral ports, one thread
per connection, each speaking just enough of its protocol. Every service counts the connections
it accepted, so a test can prove a blocked address was never touched."""

import datetime
import socket
import ssl
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HOLD_SECONDS = 5.0

SSH_BANNER = b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1\r\n"
FTP_BANNER = b"220 (vsFTPd 3.0.3)\r\n"
HTML = b"<html><head><title>Welcome to nginx!</title></head><body>It works</body></html>"


class TcpService:
    def __init__(self, handler, ip="127.0.0.1", port=0):
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, port))
        self.sock.listen(128)
        self.ip, self.port = ip, self.sock.getsockname()[1]
        self.accepted = 0
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed.is_set():
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(HOLD_SECONDS)
        try:
            self.handler(conn, self)
        except (OSError, ValueError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def close(self):
        self.closed.set()
        self.sock.close()


def closed_port(ip="127.0.0.1") -> int:
    """A port nothing listens on (bound, then released)."""
    sock = socket.socket()
    sock.bind((ip, 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def read_until(conn, marker: bytes, limit: int = 65536) -> bytes:
    data = b""
    while marker not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


# -- handlers ---------------------------------------------------------------------------------
def banner(text: bytes):
    def handle(conn, _service):
        conn.sendall(text)
        while conn.recv(4096):
            pass

    return handle


def silent(conn, service):
    service.closed.wait(HOLD_SECONDS)


def http(body: bytes = HTML, server: bytes = b"nginx/1.18.0 (Ubuntu)", content_type: bytes = b"text/html"):
    def handle(conn, _service):
        request = read_until(conn, b"\r\n\r\n")
        if not request.startswith((b"GET ", b"HEAD ")):
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        head = b"HTTP/1.1 200 OK\r\nServer: " + server + b"\r\nContent-Type: " + content_type
        head += b"\r\nX-Frame-Options: DENY\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        conn.sendall(head + body)

    return handle


def tls(inner, context):
    def handle(conn, service):
        wrapped = context.wrap_socket(conn, server_side=True)
        try:
            inner(wrapped, service)
        finally:
            wrapped.close()

    return handle


def redis(conn, _service):
    info = b"# Server\r\nredis_version:7.0.12\r\nredis_mode:standalone\r\nos:Linux 6.1.0 x86_64\r\n"
    buffer = b""
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            command = line.strip().upper()
            if command == b"PING":
                conn.sendall(b"+PONG\r\n")
            elif command == b"INFO SERVER":
                conn.sendall(b"$" + str(len(info)).encode() + b"\r\n" + info + b"\r\n")
            else:
                conn.sendall(b"-ERR unknown command\r\n")


def canned(replies):
    """Answer each request with the next canned reply (a callable gets the request bytes)."""

    def handle(conn, _service):
        for reply in replies:
            request = conn.recv(65536)
            if not request:
                return
            data = reply(request) if callable(reply) else reply
            if data is None:
                return
            conn.sendall(data)
        while conn.recv(4096):
            pass

    return handle


# -- TLS material -----------------------------------------------------------------------------
def self_signed_context(common_name: str = "scan-test.local", days: int = 30):
    """(server SSLContext, certificate) with a fresh RSA-2048 self-signed certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
        handle.write(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        path = handle.name
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(path)
    return context, cert


# -- UDP --------------------------------------------------------------------------------------
class UdpService:
    def __init__(self, answer, ip="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.sock.settimeout(0.2)
        self.ip, self.port = ip, self.sock.getsockname()[1]
        self.answer, self.received = answer, 0
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.closed.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            self.received += 1
            reply = self.answer(data)
            if reply:
                self.sock.sendto(reply, peer)

    def close(self):
        self.closed.set()
        self.thread.join(1.0)  # the port is only free once no thread sits in recvfrom
        self.sock.close()


def dns_answer(query: bytes) -> bytes | None:
    """A tiny resolver: echo the question with QR and RA set, no answers (NOERROR)."""
    if len(query) < 12 or query[2] & 0x80:
        return None
    ident, question = query[:2], query[12:]
    return ident + bytes([0x81, 0x80]) + b"\x00\x01\x00\x00\x00\x00\x00\x00" + question

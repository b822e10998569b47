"""Protocol-faithful banner servers for the version checks (the banner is the evidence): an HTTP
server with a chosen Server and X-Powered-By header, a MySQL/MariaDB server sending its handshake
with a chosen server version; `scan` detects them with the engine's own service stage and
`check` runs one version check on a detected port."""

import asyncio
import struct
from types import SimpleNamespace

from scanning.engine import ScanPlan, run
from scanning.engine.checks import CATALOGUE

from ..conftest import RecordingReporter, Services, pick_loopback
from ..servers import banner, read_until


def http(server: bytes, powered_by: bytes = b""):
    def handle(conn, _service):
        read_until(conn, b"\r\n\r\n")
        head = b"HTTP/1.1 200 OK\r\nServer: " + server + b"\r\nContent-Type: text/html\r\n"
        head += b"X-Powered-By: " + powered_by + b"\r\n" if powered_by else b""
        conn.sendall(head + b"Content-Length: 2\r\n\r\nok")

    return handle


def mysql(server_version: bytes):
    """The server's first packet: a protocol 10 handshake (HandshakeV10) naming server_version."""
    payload = (b"\x0a" + server_version + b"\x00" + struct.pack("<I", 7) + b"abcdefgh\x00" + struct.pack("<H", 0xF7FF)
               + b"\x21" + struct.pack("<H", 2) + struct.pack("<H", 0x81FF) + b"\x15" + b"\x00" * 10 + b"ijklmnopqrst\x00"
               + b"mysql_native_password\x00")
    return banner(struct.pack("<I", len(payload))[:3] + b"\x00" + payload)


def scan(servers: dict) -> dict:
    """{name: PortResult} of the servers {name: handler}, detected by the engine (no nmap)."""
    ip = pick_loopback(1)[0]
    services = Services()
    started = {name: services(handler, ip) for name, handler in servers.items()}
    try:
        hosts = run(ScanPlan(addresses=[ip], tcp_ports=sorted(s.port for s in started.values()), use_nmap=False,
                             service_timeout=1.5), RecordingReporter())
    finally:
        services.close()
    by_port = {p.port: p for p in hosts[0].ports}
    return {name: by_port[service.port] for name, service in started.items()}


def banner_server_scan(text: bytes):
    """The PortResult of one server that sends `text` on connect (an SSH or FTP greeting)."""
    return scan({"only": banner(text)})["only"]


def check(nvt, port, feed_path=""):
    """The findings of one version check on a port ([] when it does not apply)."""
    instance = CATALOGUE[nvt]()
    if not instance.applies(None, port):
        return []
    return asyncio.run(instance.run(SimpleNamespace(feed_path=feed_path), None, port))

"""HTTP: GET / with a Host header; status, headers, Server product/version and the page title.
An Elasticsearch root document (cluster_name, version.number) names Elasticsearch instead."""

import json
import re

from .base import Match, cpe, split_token

USER_AGENT = "Mozilla/5.0 (compatible; cg-scanner/1.0)"
TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
STATUS = re.compile(rb"^HTTP/(\d\.\d|\d) (\d{3})(?: ([^\r\n]*))?\r?\n")
BODY_SAMPLE = 2048

# Server header product -> (product name as nmap writes it, CPE vendor, CPE product)
KNOWN_SERVERS = {
    "apache": ("Apache httpd", "apache", "http_server"),
    "nginx": ("nginx", "f5", "nginx"),  # NVD: f5:nginx for current versions (nginx:nginx for old ones)
    "microsoft-iis": ("Microsoft IIS httpd", "microsoft", "internet_information_services"),
    "lighttpd": ("lighttpd", "lighttpd", "lighttpd"),
    "openresty": ("OpenResty web app server", "openresty", "openresty"),
    "caddy": ("Caddy httpd", "caddyserver", "caddy"),
    "jetty": ("Jetty", "eclipse", "jetty"),
    "tomcat": ("Apache Tomcat", "apache", "tomcat"),
    "apache-coyote": ("Apache Tomcat/Coyote JSP engine", "apache", "coyote_http_connector"),
    "gunicorn": ("Gunicorn", "gunicorn", "gunicorn"),
    "werkzeug": ("Werkzeug httpd", "palletsprojects", "werkzeug"),
    "basehttp": ("BaseHTTPServer", "python", "basehttpserver"),
    "squid": ("Squid http proxy", "squid-cache", "squid"),
    "cups": ("CUPS", "openprinting", "cups"),
}

# servers that send no Server header but answer with their own built-in pages (no version in them)
BUILT_IN_PAGES = [
    (re.compile(r"No server is available to handle this request\.|Request forbidden by administrative rules\.|"
                r"Your browser didn't send a complete request in time\."), ("HAProxy http proxy", "haproxy", "haproxy")),
]  # fmt: skip


def request(host: str, path: str = "/") -> bytes:
    host = f"[{host}]" if ":" in host else host
    return f"GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\nAccept: */*\r\nConnection: close\r\n\r\n".encode()


def parse_response(data: bytes) -> dict | None:
    status = STATUS.match(data)
    if not status:
        return None
    head, _sep, body = data.partition(b"\r\n\r\n")
    if not _sep:
        head, _sep, body = data.partition(b"\n\n")
    headers: dict[str, str] = {}
    for line in head.split(b"\n")[1:]:
        name, colon, value = line.decode("latin-1").partition(":")
        if colon and name.strip():
            key = name.strip()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    title = TITLE.search(body)
    return {
        "protocol": "HTTP/" + status.group(1).decode(),
        "status": int(status.group(2)),
        "reason": (status.group(3) or b"").decode("latin-1").strip(),
        "server": _header(headers, "server"),
        "headers": headers,
        "title": " ".join(title.group(1).decode("utf-8", "replace").split())[:200] if title else "",
        "body": body[:BODY_SAMPLE].decode("utf-8", "replace"),
    }


def _header(headers: dict, name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


def server_product(server: str) -> tuple[str, str, str]:
    """(product, version, cpe) from a Server header such as "nginx/1.18.0 (Ubuntu)"."""
    name, version, _comment = split_token(server)
    known = KNOWN_SERVERS.get(name.lower())
    if known is None:
        return name, version, ""
    product, vendor, cpe_product = known
    return product, version, cpe(vendor, cpe_product, version)


def built_in_page(body: str) -> tuple[str, str, str]:
    for pattern, (product, vendor, cpe_product) in BUILT_IN_PAGES:
        if pattern.search(body):
            return product, "", cpe(vendor, cpe_product)
    return "", "", ""


def elasticsearch(http: dict) -> Match | None:
    try:
        document = json.loads(http["body"])
    except ValueError:
        return None
    if not isinstance(document, dict) or "cluster_name" not in document:
        return None
    version = str((document.get("version") or {}).get("number", ""))
    extra = {"http": http, "elasticsearch": {"cluster_name": document.get("cluster_name"), "name": document.get("name", "")}}
    return Match("elasticsearch", "Elasticsearch", version, cpe("elastic", "elasticsearch", version), extra=extra)


def complete(data: bytes) -> bool:
    """A whole response: headers and Content-Length bytes of body (else the peer's close ends it)."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return not data.startswith(b"HTTP/"[: len(data)])  # not HTTP at all: stop waiting
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return bool(length) and len(body) >= int(length.group(1))


async def probe_http(conn) -> Match | None:
    reply = await conn.ask(request(conn.host), until=complete)
    http = parse_response(reply)
    if http is None:
        return None
    found = elasticsearch(http) if http["body"].lstrip().startswith("{") else None
    if found:
        return found
    product, version, cpe_uri = server_product(http["server"]) if http["server"] else built_in_page(http["body"])
    status_line = reply.split(b"\n", 1)[0].decode("latin-1").strip()
    return Match("http", product, version, cpe_uri, banner=status_line, extra={"http": http})

"""Databases and caches that answer anyone (family `databases`, ids CG-6001..): each check asks
for something only an authenticated client should get (Redis INFO, Memcached stats, MongoDB
listDatabases, Elasticsearch's root and index list) and reports only a real answer: a refusal
(-NOAUTH, CLIENT_ERROR unauthenticated, Unauthorized, 401) is no finding. PostgreSQL and MySQL
logins without a password live in databases_sql.py."""

import json
import struct

from ..services.bson import encode
from ..services.caches import _bulk_complete, redis_info
from ..services.databases import OP_MSG, OP_QUERY, _message, mongo_complete, mongo_reply
from ..services.web import complete, parse_response, request
from ..types import PortResult
from ..udp import memcached_probe
from .base import Check, register
from .service_io import NET_ERRORS, clip

OPEN_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
PCI_REFERENCE = "https://www.pcisecuritystandards.org/documents/ASV_Program_Guide_v3.1.pdf"


class OpenDatabase(Check):
    family = "databases"
    cvss_vector = OPEN_VECTOR
    qod = 95  # the service itself answered a request that needs authentication
    pci_fail = True  # PCI ASV: a database or cache open without authentication fails the scan
    solution_type = "Mitigation"
    impact = ("Anyone who can reach the port can read, change or delete the stored data, and often "
              "abuse the server to attack others.")


@register
class RedisWithoutAuthentication(OpenDatabase):
    nvt = "CG-6001"
    name = "Redis server without authentication"
    services = ("redis",)
    summary = "The Redis server answers commands without a password."
    insight = "The server answered the INFO command without any AUTH: neither `requirepass` nor ACL users protect it."
    affected = "Redis servers without `requirepass`/ACLs and with protected mode off or bypassed."
    solution = ("Set `requirepass` (or ACL users with passwords), bind Redis to trusted interfaces only "
                "(`bind`, `protected-mode yes`) and filter the port.")
    references = ("https://redis.io/docs/latest/operate/oss_and_stack/management/security/", PCI_REFERENCE)

    async def run(self, ctx, host, port):
        try:
            async with ctx.connect(host.ip, port.port, port.tls) as conn:
                reply = await conn.ask(b"INFO server\r\n", until=_bulk_complete)
        except NET_ERRORS:
            return []
        info = redis_info(reply) if reply.startswith(b"$") else {}
        if "redis_version" not in info:
            return []  # -NOAUTH, -DENIED (protected mode) or not Redis
        facts = ", ".join(f"{key}:{info[key]}" for key in ("redis_version", "redis_mode", "os") if key in info)
        return [self.finding(port, f"INFO answered without authentication: {facts}")]


@register
class MemcachedWithoutAuthentication(OpenDatabase):
    nvt = "CG-6002"
    name = "Memcached server without authentication"
    services = ("memcached",)
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:L"
    summary = "The Memcached server answers the `stats` command without authentication."
    insight = "Memcached's text protocol has no authentication unless SASL (`-S`) or an auth file (`-Y`) is configured."
    affected = "Memcached servers reachable without SASL or ASCII authentication."
    solution = ("Listen on trusted interfaces only (`-l 127.0.0.1`), disable UDP (`-U 0`), filter the port and "
                "enable SASL (`-S`) or ASCII authentication (`-Y`).")
    references = ("https://github.com/memcached/memcached/wiki/SASLHowto", PCI_REFERENCE)

    async def run(self, ctx, host, port):
        try:
            async with ctx.connect(host.ip, port.port, port.tls) as conn:
                reply = await conn.ask(b"stats\r\n", until=lambda d: d.endswith((b"END\r\n", b"ERROR\r\n")) or b"ERROR" in d)
        except NET_ERRORS:
            return []
        stats = {}
        for line in reply.decode("latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "STAT":
                stats[parts[1]] = parts[2]
        if "version" not in stats or not reply.endswith(b"END\r\n"):
            return []  # CLIENT_ERROR unauthenticated, ERROR, or not Memcached
        # the version only: uptime and counters change between runs, and the same weakness must give
        # the same evidence every time (docs/checks.md, "Deterministic")
        return [self.finding(port, f"stats answered without authentication: STAT version {stats['version']}")]


@register
class MemcachedUdpEnabled(Check):
    nvt = "CG-6007"
    name = "Memcached UDP enabled (amplification)"
    family = "databases"
    protocol = "udp"
    services = ("memcached",)
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
    qod = 95  # the server answered our UDP request
    summary = "The Memcached server answers requests over UDP."
    insight = ("A `version` request in one UDP datagram was answered: anyone can send small requests with a forged "
               "source address and have much larger replies (`stats`, stored values) sent to a victim.")
    affected = "Memcached before 1.5.6 (UDP on by default) and servers started with `-U <port>`."
    impact = "The server can be abused to amplify denial-of-service attacks against third parties (\"Memcrashed\", 2018)."
    solution = "Disable UDP (`-U 0`, the default since 1.5.6), listen on trusted interfaces only and filter the port."
    solution_type = "Mitigation"
    cves = ("CVE-2018-1000115",)
    references = ("https://github.com/memcached/memcached/wiki/ReleaseNotes156",)

    async def run(self, ctx, host, port):
        try:
            answer = await ctx.udp(host.ip, port.port, [memcached_probe])
        except NET_ERRORS:
            return []
        if not isinstance(answer, PortResult):
            return []  # silent (UDP off, or ASCII authentication: no UDP) or ICMP refused
        return [self.finding(port, f"UDP request 'version' ({len(memcached_probe()[0])} bytes) answered: {answer.banner}")]


@register
class MongoDBWithoutAuthentication(OpenDatabase):
    nvt = "CG-6003"
    name = "MongoDB server without authentication"
    services = ("mongodb",)
    summary = "The MongoDB server lists its databases to an unauthenticated client."
    insight = "The listDatabases command succeeded without authentication: access control (`security.authorization`) is off."
    affected = "MongoDB servers started without `--auth` / `security.authorization: enabled`."
    solution = "Enable access control (`security.authorization: enabled`), create users, bind to trusted interfaces and filter the port."
    references = ("https://www.mongodb.com/docs/manual/administration/security-checklist/", PCI_REFERENCE)

    async def run(self, ctx, host, port):
        reply = await self._list_databases(ctx, host, port, OP_MSG)
        if reply is None:  # a server older than 3.6 speaks OP_QUERY only
            reply = await self._list_databases(ctx, host, port, OP_QUERY)
        if not reply or reply.get("ok") != 1 or not isinstance(reply.get("databases"), list):
            return []  # {"ok": 0, "codeName": "Unauthorized"} when access control is on
        names = [str(d.get("name", "")) for d in reply["databases"] if isinstance(d, dict)]
        return [self.finding(port, clip(f"listDatabases answered without authentication: {', '.join(names) or '(none)'}"))]

    async def _list_databases(self, ctx, host, port, op_code):
        command = {"listDatabases": 1, "nameOnly": True}
        if op_code == OP_MSG:
            request_id, message = _message(OP_MSG, struct.pack("<i", 0) + b"\x00" + encode({**command, "$db": "admin"}))
        else:
            query = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1) + encode(command)
            request_id, message = _message(OP_QUERY, query)
        try:
            async with ctx.connect(host.ip, port.port, port.tls) as conn:
                return mongo_reply(await conn.ask(message, until=mongo_complete), request_id)
        except NET_ERRORS:
            return None


@register
class ElasticsearchWithoutAuthentication(OpenDatabase):
    nvt = "CG-6004"
    name = "Elasticsearch without authentication"
    services = ("elasticsearch",)
    summary = "The Elasticsearch REST API answers without authentication."
    insight = "GET / and the index list (/_cat/indices) answered without credentials: the security features are off."
    affected = "Elasticsearch clusters with `xpack.security.enabled: false` (the default before 8.0) reachable over the network."
    solution = "Enable Elasticsearch security (`xpack.security.enabled: true`) with passwords and TLS, and filter the port."
    references = ("https://www.elastic.co/guide/en/elasticsearch/reference/current/security-minimal-setup.html", PCI_REFERENCE)

    async def run(self, ctx, host, port):
        root = await self._get(ctx, host, port, "/")
        document = _json(root)
        if root is None or root["status"] != 200 or not isinstance(document, dict) or "cluster_name" not in document:
            return []  # 401 with WWW-Authenticate when security is on
        version = (document.get("version") or {}).get("number", "") if isinstance(document.get("version"), dict) else ""
        evidence = f"GET / answered 200 without credentials: cluster_name {document['cluster_name']!r}, version {version or '?'}"
        indices = await self._get(ctx, host, port, "/_cat/indices?h=index")
        if indices is not None and indices["status"] == 200:
            names = indices["body"].split()
            evidence += f"; GET /_cat/indices answered 200: {', '.join(names[:20]) or '(no indices)'}"
        return [self.finding(port, clip(evidence))]

    async def _get(self, ctx, host, port, path):
        try:
            async with ctx.connect(host.ip, port.port, port.tls, host.hostname) as conn:
                return parse_response(await conn.ask(request(host.hostname or host.ip, path), until=complete))
        except NET_ERRORS:
            return None


def _json(response):
    if response is None:
        return None
    try:
        return json.loads(response["body"])
    except ValueError:
        return None


"""Protocol-faithful stand-ins for products Debian does not ship (MongoDB, Elasticsearch): they
answer as the real servers do, with and without access control."""

import json
import struct

from scanning.engine.services import bson

from ..servers import read_until

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
UNAUTHORIZED = {"ok": 0.0, "errmsg": "command listDatabases requires authentication", "code": 13, "codeName": "Unauthorized"}


def bson_encode(document: dict) -> bytes:
    """BSON with the types MongoDB's answers use: double, string, document, array, bool, int32."""
    body = b""
    for key, value in document.items():
        name = key.encode() + b"\x00"
        if isinstance(value, bool):
            body += b"\x08" + name + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            body += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, float):
            body += b"\x01" + name + struct.pack("<d", value)
        elif isinstance(value, str):
            raw = value.encode() + b"\x00"
            body += b"\x02" + name + struct.pack("<i", len(raw)) + raw
        elif isinstance(value, dict):
            body += b"\x03" + name + bson_encode(value)
        elif isinstance(value, list):
            body += b"\x04" + name + bson_encode({str(i): item for i, item in enumerate(value)})
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def mongodb_answer(command: dict, auth: bool) -> dict:
    name = next(iter(command), "")
    if name in ("isMaster", "ismaster", "hello"):
        return {"ismaster": True, "maxWireVersion": 17, "minWireVersion": 0, "maxBsonObjectSize": 16777216, "ok": 1.0}
    if name == "buildInfo":
        return {"version": "6.0.5", "ok": 1.0}
    if name == "listDatabases":
        if auth:
            return UNAUTHORIZED
        names = ["admin", "config", "customers", "local"]
        return {"databases": [{"name": n} for n in names], "ok": 1.0}
    return {"ok": 0.0, "errmsg": f"no such command: '{name}'", "code": 59, "codeName": "CommandNotFound"}


def mongodb_handler(auth: bool):
    def handle(conn, _service):
        while True:
            head = conn.recv(16)
            if len(head) < 16:
                return
            size, request_id, _to, op_code = struct.unpack("<iiii", head)
            body = b""
            while len(body) < size - 16:
                chunk = conn.recv(size - 16 - len(body))
                if not chunk:
                    return
                body += chunk
            if op_code == OP_MSG:
                answer = bson_encode(mongodb_answer(bson.decode(body[5:]), auth))
                payload = struct.pack("<i", 0) + b"\x00" + answer
                conn.sendall(struct.pack("<iiii", 16 + len(payload), 1, request_id, OP_MSG) + payload)
            elif op_code == OP_QUERY:
                collection_end = body.index(b"\x00", 4)
                answer = bson_encode(mongodb_answer(bson.decode(body[collection_end + 9 :]), auth))
                payload = struct.pack("<iqii", 8, 0, 0, 1) + answer
                conn.sendall(struct.pack("<iiii", 16 + len(payload), 1, request_id, OP_REPLY) + payload)
            else:
                return

    return handle


ES_ROOT = {
    "name": "node-1", "cluster_name": "lab-cluster", "cluster_uuid": "pQ0vWb0mT1mC3cXv8kP9Zg",
    "version": {"number": "7.17.9", "build_flavor": "default", "build_type": "deb", "lucene_version": "8.11.1"},
    "tagline": "You Know, for Search",
}
ES_401 = {
    "error": {
        "root_cause": [{"type": "security_exception", "reason": "missing authentication credentials for REST request [/]",
                        "header": {"WWW-Authenticate": ["Basic realm=\"security\" charset=\"UTF-8\"", "ApiKey"]}}],
        "type": "security_exception", "reason": "missing authentication credentials for REST request [/]",
    },
    "status": 401,
}


def elasticsearch_handler(auth: bool):
    def handle(conn, _service):
        request = read_until(conn, b"\r\n\r\n")
        path = request.split(b" ")[1].decode() if request.count(b" ") >= 2 else "/"
        if auth:
            status, headers, body = "401 Unauthorized", 'WWW-Authenticate: Basic realm="security" charset="UTF-8"\r\n', json.dumps(ES_401)
            kind = "application/json"
        elif path.startswith("/_cat/indices"):
            status, headers, body, kind = "200 OK", "", "customers\norders\n", "text/plain; charset=UTF-8"
        else:
            status, headers, body, kind = "200 OK", "", json.dumps(ES_ROOT, indent=2), "application/json; charset=UTF-8"
        raw = body.encode()
        conn.sendall(f"HTTP/1.1 {status}\r\n{headers}X-elastic-product: Elasticsearch\r\ncontent-type: {kind}\r\n"
                     f"content-length: {len(raw)}\r\n\r\n".encode() + raw)

    return handle

"""Just enough BSON for MongoDB's handshake: encode flat commands, decode replies."""

import struct


def encode(document: dict) -> bytes:
    body = b""
    for key, value in document.items():
        name = key.encode() + b"\x00"
        if isinstance(value, bool):
            body += b"\x08" + name + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            body += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, str):
            raw = value.encode() + b"\x00"
            body += b"\x02" + name + struct.pack("<i", len(raw)) + raw
        else:
            raise TypeError(f"cannot encode {type(value).__name__}")
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


FIXED = {1: 8, 7: 12, 9: 8, 17: 8, 18: 8, 19: 16, 10: 0, 6: 0, 255: 0, 127: 0}


def decode(data: bytes) -> dict:
    """A document's scalar, string and nested fields; unknown types end the walk (ValueError on
    a malformed document)."""
    if len(data) < 5:
        raise ValueError("short BSON document")
    size = struct.unpack("<i", data[:4])[0]
    if size < 5 or size > len(data):
        raise ValueError("bad BSON size")
    document, i, end = {}, 4, size - 1
    while i < end:
        kind = data[i]
        name_end = data.index(b"\x00", i + 1)
        name = data[i + 1 : name_end].decode("utf-8", "replace")
        i = name_end + 1
        if kind == 2:
            length = struct.unpack("<i", data[i : i + 4])[0]
            document[name] = data[i + 4 : i + 3 + length].decode("utf-8", "replace")
            i += 4 + length
        elif kind in (3, 4):
            length = struct.unpack("<i", data[i : i + 4])[0]
            inner = decode(data[i : i + length])
            document[name] = list(inner.values()) if kind == 4 else inner
            i += length
        elif kind == 8:
            document[name] = data[i] == 1
            i += 1
        elif kind == 16:
            document[name] = struct.unpack("<i", data[i : i + 4])[0]
            i += 4
        elif kind == 1:
            document[name] = struct.unpack("<d", data[i : i + 8])[0]
            i += 8
        elif kind == 18:
            document[name] = struct.unpack("<q", data[i : i + 8])[0]
            i += 8
        elif kind == 5:
            length = struct.unpack("<i", data[i : i + 4])[0]
            i += 5 + length
        elif kind in FIXED:
            i += FIXED[kind]
        else:
            break
    return document

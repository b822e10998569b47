"""The little BER (ASN.1) that SNMP and LDAP probes need: build TLVs and split replies."""


def tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + content


def integer(value: int, tag: int = 0x02) -> bytes:
    return tlv(tag, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def octets(value: bytes | str, tag: int = 0x04) -> bytes:
    return tlv(tag, value.encode() if isinstance(value, str) else value)


def oid(arcs) -> bytes:
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def items(data: bytes) -> list[tuple[int, bytes]]:
    """Split BER data into [(tag, content)]; ValueError on malformed or truncated input."""
    found, i = [], 0
    while i < len(data):
        if i + 2 > len(data):
            raise ValueError("truncated BER")
        tag, size = data[i], data[i + 1]
        i += 2
        if size & 0x80:
            count = size & 0x7F
            if count == 0 or count > 4 or i + count > len(data):
                raise ValueError("bad BER length")
            size = int.from_bytes(data[i : i + count], "big")
            i += count
        if i + size > len(data):
            raise ValueError("truncated BER")
        found.append((tag, data[i : i + size]))
        i += size
    return found


def first_length(data: bytes) -> int | None:
    """Total size of the first TLV in data, None while its header is incomplete."""
    if len(data) < 2:
        return None
    size = data[1]
    if not size & 0x80:
        return 2 + size
    count = size & 0x7F
    if len(data) < 2 + count:
        return None
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")


def to_int(content: bytes) -> int:
    return int.from_bytes(content, "big", signed=True) if content else 0


def decode_oid(content: bytes) -> tuple[int, ...]:
    """An OBJECT IDENTIFIER's content octets -> its arcs."""
    if not content:
        return ()
    first = content[0]
    arcs, value = [min(first // 40, 2), first - 40 * min(first // 40, 2)], 0
    for byte in content[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return tuple(arcs)

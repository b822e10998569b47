"""LDAP: an anonymous simple bind, then the root DSE (vendor, version, naming contexts)."""

from .. import ber
from .base import Match, cpe

# root DSE facts that name a server when vendorName is absent -> (product as nmap writes it, CPE vendor, product)
ROOT_DSE_PRODUCTS = {"openldaprootdse": ("OpenLDAP", "openldap", "openldap")}  # OpenLDAP's root DSE class

ROOT_DSE_ATTRIBUTES = ("objectClass", "namingContexts", "vendorName", "vendorVersion", "supportedLDAPVersion", "dnsHostName", "serverName")
BIND_RESPONSE, SEARCH_ENTRY, SEARCH_DONE = 0x61, 0x64, 0x65


def bind_request(message_id: int = 1) -> bytes:
    bind = ber.tlv(0x60, ber.integer(3) + ber.octets(b"") + ber.octets(b"", tag=0x80))
    return ber.tlv(0x30, ber.integer(message_id) + bind)


def root_dse_request(message_id: int = 2) -> bytes:
    attributes = ber.tlv(0x30, b"".join(ber.octets(a) for a in ROOT_DSE_ATTRIBUTES))
    search = ber.octets(b"") + ber.integer(0, tag=0x0A) + ber.integer(0, tag=0x0A) + ber.integer(0) + ber.integer(0)
    search += b"\x01\x01\x00" + ber.octets("objectClass", tag=0x87) + attributes
    return ber.tlv(0x30, ber.integer(message_id) + ber.tlv(0x63, search))


def messages(data: bytes) -> list[tuple[int, int, bytes]]:
    """Complete LDAPMessages in data: [(message id, protocol op tag, op content)]."""
    found = []
    try:
        for tag, content in ber.items(data):
            if tag == 0x30:
                (_t, message_id), (op_tag, op) = ber.items(content)[:2]
                found.append((ber.to_int(message_id), op_tag, op))
    except ValueError:
        pass
    return found


def _has(op_tag: int):
    return lambda data: any(tag == op_tag for _id, tag, _op in messages(data))


def root_dse(entries: list[bytes]) -> dict:
    attributes = {}
    for op in entries:
        try:
            _name, (_tag, listed) = ber.items(op)[:2]
            for _seq, attribute in ber.items(listed):
                (_t, name), (_s, values) = ber.items(attribute)[:2]
                attributes[name.decode("utf-8", "replace")] = [v.decode("utf-8", "replace") for _v, v in ber.items(values)]
        except ValueError:
            continue
    return attributes


async def probe_ldap(conn) -> Match | None:
    reply = messages(await conn.ask(bind_request(), until=_has(BIND_RESPONSE)))
    bound = next((op for message_id, tag, op in reply if message_id == 1 and tag == BIND_RESPONSE), None)
    if bound is None:
        return None
    try:
        result_code = ber.to_int(ber.items(bound)[0][1])
    except (ValueError, IndexError):
        return None
    entries = [op for _id, tag, op in messages(await conn.ask(root_dse_request(), until=_has(SEARCH_DONE))) if tag == SEARCH_ENTRY]
    dse = root_dse(entries)
    vendor = (dse.get("vendorName") or [""])[0]
    version = (dse.get("vendorVersion") or [""])[0]
    extra = {"ldap": {"anonymous_bind": result_code == 0, "bind_result": result_code, "root_dse": dse}}
    known = next((ROOT_DSE_PRODUCTS[c.lower()] for c in dse.get("objectClass", []) if c.lower() in ROOT_DSE_PRODUCTS), None)
    if known and not vendor:  # OpenLDAP tells no version: the product and a CPE without one
        return Match("ldap", known[0], "", cpe(known[1], known[2]), extra=extra)
    return Match("ldap", vendor, version, extra=extra)

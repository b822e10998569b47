"""An organization's scanning allowance: networks of the platform's blocked list (loopback, the
platform's own addresses...) that staff let this one organization scan. Set in the admin only
(audited there); cloud metadata addresses can never be allowed (docs/scanning.md)."""

import ipaddress
import re

from django.core.exceptions import ValidationError

from events.services.ssrf import METADATA

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_allowance(text):
    """The networks of an allowance text (comma- or newline-separated CIDRs or addresses);
    ValueError naming the first bad item."""
    networks = []
    for item in _SEPARATORS.split(text or ""):
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f'"{item}" is not an IP network') from None
        metadata = next((address for address in METADATA if address.version == network.version and address in network), None)
        if metadata is not None:
            raise ValueError(f'"{item}" contains {metadata}, a cloud metadata address, which is never allowed')
        networks.append(network)
    return networks


def validate_allowance(text):
    try:
        parse_allowance(text)
    except ValueError as error:
        raise ValidationError(str(error)) from None

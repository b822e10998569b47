"""The one rule every stage obeys: never touch an address inside a blocked network."""

from ipaddress import ip_address, ip_network


class Guard:
    def __init__(self, blocked_networks=()):
        self.networks = [n if hasattr(n, "network_address") else ip_network(str(n), strict=False) for n in blocked_networks]

    def allows(self, ip) -> bool:
        try:
            address = ip_address(ip)
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        return not any(address.version == n.version and address in n for n in self.networks)

    def check(self, ip) -> None:
        """For the last step before a packet leaves: a blocked address here is a bug upstream."""
        if not self.allows(ip):
            raise PermissionError(f"{ip} is in a blocked network")

"""Built-in port lists, scanner and scan profiles, created by a data migration and kept in sync
by `sync_builtins` (safe to run again)."""

from scanning.port_data import BUILTIN_PORT_LISTS

BUILTIN_SCANNER = {"name": "Built-in scanner", "type": "builtin", "queue_name": "scans", "status": "online"}

BUILTIN_PROFILES = (
    ("Discovery", "Host discovery, open ports and services; no vulnerability checks.", [], True),
    ("Full and fast", "Every check family, tuned for speed: the default.",
     ["ssl_tls", "web_servers", "remote_access", "ftp", "mail", "databases", "snmp", "dns", "known_vulnerable_versions"], False),
    ("PCI ASV", "The checks behind the PCI ASV verdict (external scans).",
     ["ssl_tls", "web_servers", "remote_access", "ftp", "mail", "databases", "snmp", "dns", "known_vulnerable_versions"], False),
    ("Web", "Web servers and TLS only.", ["ssl_tls", "web_servers"], False),
)


def sync_builtins(PortList, Scanner, ScanProfile):
    from scanning.ports import parse_port_ranges

    for name, ranges in BUILTIN_PORT_LISTS.items():
        parsed = parse_port_ranges(ranges)
        PortList.objects.update_or_create(
            organization=None, predefined=True, name=name,
            defaults={"port_ranges": str(parsed), "tcp_count": parsed.counts["tcp"], "udp_count": parsed.counts["udp"]},
        )
    if not Scanner.objects.filter(predefined=True, type="builtin").exists():
        Scanner.objects.create(predefined=True, organization=None, **BUILTIN_SCANNER)
    for name, description, families, discovery in BUILTIN_PROFILES:
        ScanProfile.objects.update_or_create(
            name=name, defaults={"description": description, "families": families, "predefined": True,
                                 "discovery_only": discovery, "active": True},
        )

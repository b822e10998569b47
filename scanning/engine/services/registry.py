"""The probe catalogue, in the order they are tried. Greeting matchers read what a server says
first (and may continue the dialogue); ask probes speak first. A port listed in an ask probe's
`ports` tries that probe alone before the others run side by side."""

from dataclasses import dataclass

from .caches import probe_memcached, probe_redis
from .databases import banner_mysql, probe_mongodb, probe_postgresql
from .directory import probe_ldap
from .dns import probe_dns_tcp
from .files import banner_ftp, banner_ftp_fallback, banner_vsftpd_refusal
from .mail import banner_imap, banner_pop3, banner_smtp
from .messaging import banner_nats, probe_amqp, probe_mqtt
from .remote import banner_ssh, banner_telnet, banner_vnc, probe_rdp
from .smb import probe_smb
from .web import probe_http


@dataclass(frozen=True)
class Probe:
    name: str
    ports: tuple[int, ...] = ()
    greeting: object = None  # async (conn, greeting bytes) -> Match | None
    ask: object = None  # async (conn) -> Match | None


GREETINGS = [
    Probe("ssh", greeting=banner_ssh),
    Probe("vnc", greeting=banner_vnc),
    Probe("telnet", greeting=banner_telnet),
    Probe("mysql", greeting=banner_mysql),
    Probe("ftp", greeting=banner_ftp),
    Probe("smtp", greeting=banner_smtp),
    Probe("ftp-any-220", greeting=banner_ftp_fallback),
    Probe("vsftpd-refusal", greeting=banner_vsftpd_refusal),
    Probe("pop3", greeting=banner_pop3),
    Probe("imap", greeting=banner_imap),
    Probe("nats", greeting=banner_nats),
]

ASKS = [
    Probe("http", (80, 81, 443, 591, 3000, 5000, 5601, 8000, 8008, 8080, 8081, 8443, 8888, 9200, 9443), ask=probe_http),
    Probe("redis", (6379, 6380), ask=probe_redis),
    Probe("memcached", (11211,), ask=probe_memcached),
    Probe("postgresql", (5432, 5433), ask=probe_postgresql),
    Probe("mongodb", (27017, 27018, 27019), ask=probe_mongodb),
    Probe("ldap", (389, 636, 3268, 3269), ask=probe_ldap),
    Probe("rdp", (3389,), ask=probe_rdp),
    Probe("dns", (53, 5353), ask=probe_dns_tcp),
    Probe("amqp", (5671, 5672), ask=probe_amqp),
    Probe("mqtt", (1883, 8883), ask=probe_mqtt),
    Probe("smb", (445,), ask=probe_smb),
]


def asks_for(port: int) -> tuple[list[Probe], list[Probe]]:
    """(probes that expect this port, to try first; the rest)"""
    hinted = [probe for probe in ASKS if port in probe.ports]
    return hinted, [probe for probe in ASKS if probe not in hinted]

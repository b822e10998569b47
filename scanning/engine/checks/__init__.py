"""The check catalogue (scanning.md stage 5): one small class per check, a module per family.
Importing this package registers every check in CATALOGUE."""

from . import (  # noqa: F401 (importing a family's module registers its checks)
    databases,
    databases_sql,
    dns,
    ftp,
    mail,
    remote,
    snmp,
    tls_cert_checks,
    tls_ciphers,
    tls_protocols,
    versions,
    web_content,
    web_headers,
)
from .base import CATALOGUE, FAMILIES, Check, base_score, register

__all__ = ["CATALOGUE", "FAMILIES", "Check", "base_score", "register"]

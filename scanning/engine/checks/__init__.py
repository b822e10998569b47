"""The check catalogue (scanning.md stage 5): one small class per check, a module per family.
Importing this package registers every check in CATALOGUE."""

from . import databases, databases_sql, dns, ftp, mail, remote, snmp  # noqa: F401 (importing registers the family)
from .base import CATALOGUE, FAMILIES, Check, base_score, register

__all__ = ["CATALOGUE", "FAMILIES", "Check", "base_score", "register"]

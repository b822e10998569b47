"""The check catalogue (scanning.md stage 5): one small class per check, a module per family.
Importing this package registers every check in CATALOGUE."""

from . import tls_cert_checks, tls_ciphers, tls_protocols, web_content, web_headers  # noqa: F401 (registers)
from .base import CATALOGUE, FAMILIES, Check, base_score, register

__all__ = ["CATALOGUE", "FAMILIES", "Check", "base_score", "register"]

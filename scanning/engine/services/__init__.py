"""Stage 4: service detection (greetings, TLS, protocol probes, nmap -sV refinement)."""

from .detect import detect_port
from .hosts import ServiceStage

__all__ = ["ServiceStage", "detect_port"]

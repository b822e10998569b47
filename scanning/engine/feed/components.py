"""The software a port shows, with the version text around it: the detected product (its CPE, or
its name), plus the other products an HTTP server names in its Server header
(`Apache/2.4.41 (Ubuntu) OpenSSL/1.1.1f PHP/7.4.3`) and X-Powered-By (`PHP/7.4.3-4ubuntu2.19`).
X-Powered-By carries no distribution word of its own (Debian's PHP says `PHP/8.2.28`): it is the
distribution the Server header names (`Apache/2.4.62 (Debian)`) when that distribution ships this
version (the curated `distribution_versions`); `PHP/8.1.31` under `(Debian)` is the Docker image's
upstream build."""

import re
from dataclasses import dataclass, replace

from .curated import curated_feed
from .products import Product, parse_cpe, product_for
from .versions import DetectedVersion, detect_version, distribution_of

# nmap's guesses ("2.0.8 or later", "7.6 - 7.9", "2.4.X") name no version to match
IMPRECISE = re.compile(r"or later|or earlier|\s-\s|\.x\b", re.IGNORECASE)
MARIADB = re.compile(r"(?:5\.5\.5-)?(\d+\.\d+\.\d+)-MariaDB", re.IGNORECASE)
TOKEN = re.compile(r"([A-Za-z][\w.+-]*?)/v?(\d[\w.~+:-]*)")


@dataclass(frozen=True)
class Component:
    product: Product | None
    name: str  # "Apache httpd"
    pairs: tuple  # (vendor, product) keys to look up
    version: DetectedVersion
    evidence: str  # what was seen: "banner 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3'"


def components_of(port) -> list[Component]:
    found = []
    main = _main(port)
    if main is not None:
        found.append(main)
    found.extend(_http_components(port, main))
    return found


def _main(port) -> Component | None:
    parsed = parse_cpe(port.cpe)
    version_text = port.version or (parsed or {}).get("version", "")
    if not version_text or not (port.cpe or port.product) or IMPRECISE.search(version_text):
        return None
    product, pairs = product_for(port.cpe or "", port.product or "")
    mariadb = MARIADB.search(f"{version_text} {port.banner or ''}")
    if mariadb:  # nmap names MariaDB "MySQL 5.5.5-10.11.6-MariaDB": it is MariaDB 10.11.6
        product, pairs = product_for("", "MariaDB")
        version_text = mariadb.group(1)
    if not pairs and port.product:
        product, pairs = product_for("", port.product)
    if not pairs:
        return None
    detected = detect_version(version_text, port.banner or "", _announced(port))
    if not detected.upstream or (product and product.truncated(detected.upstream)):
        return None
    name = product.name if product else (port.product or pairs[0][1])
    return Component(product, name, pairs, detected, _evidence(port))


def _announced(port) -> str:
    """Other text the service announced about itself: the SSH comment, the HTTP Server header,
    PostgreSQL's server_version ("15.20 (Debian 15.20-0+deb12u1)"), nmap's extra information
    ("Debian" for Apache's "(Debian)")."""
    return " ".join(text for _label, text in _announced_fields(port))


ANNOUNCED = (("ssh", "comment", ""), ("http", "server", ""), ("postgresql", "server_version", "PostgreSQL server_version"),
             ("nmap", "extrainfo", ""))


def _announced_fields(port) -> list[tuple[str, str]]:
    """[(evidence label or "", text)] of the announced fields the port carries."""
    extra = port.extra if isinstance(port.extra, dict) else {}
    found = []
    for section, key, label in ANNOUNCED:
        text = extra[section].get(key, "") if isinstance(extra.get(section), dict) else ""
        if isinstance(text, str) and text:
            found.append((label, text))
    return found


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:[+-]\d{2}:?\d{2}|Z|[A-Z]{2,5}\b))?(?:\s*\([A-Z]{2,5}\))?"
# The date and time some greetings carry (Exim and Sendmail: "Sun, 06 Dec 2026 03:10:58 +0000"; asctime;
# ISO 8601): evidence must read the same on every run, so it is left out of the quoted banner.
BANNER_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    rf"(?:\d{{1,2}}[\s-]+{_MONTH}[\s-]+\d{{2,4}}\s+{_CLOCK}"  # 06 Dec 2026 03:10:58 +0000
    rf"|{_MONTH}\s+\d{{1,2}}\s+{_CLOCK}(?:\s+\d{{4}})?"  # Dec  6 03:10:58 2026
    rf"|\d{{4}}-\d{{2}}-\d{{2}}[T ]{_CLOCK})",  # 2026-12-06T03:10:58Z
    re.IGNORECASE,
)


def timeless(banner: str) -> str:
    """The banner with any date and time in it replaced by `<date>`."""
    return BANNER_DATE.sub("<date>", banner)


def _evidence(port) -> str:
    parts = []
    if port.banner:
        parts.append(f"banner {timeless(port.banner.strip())[:200]!r}")
    http = (port.extra or {}).get("http", {}) if isinstance(port.extra, dict) else {}
    if isinstance(http, dict) and http.get("server"):
        parts.append(f"Server header {http['server'][:200]!r}")
    parts += [f"{label} {text[:200]!r}" for label, text in _announced_fields(port) if label]
    if port.cpe:
        parts.append(f"CPE {port.cpe}")
    if not parts:
        parts.append(f"service {port.product} {port.version}".strip())
    return ", ".join(parts)


def _http_components(port, main: Component | None) -> list[Component]:
    http = (port.extra or {}).get("http") if isinstance(port.extra, dict) else None
    if not isinstance(http, dict):
        return []
    headers = http.get("headers") or {}
    server = http.get("server") or ""
    sources = [("Server header", server)]
    sources += [("X-Powered-By header", value) for key, value in headers.items() if key.lower() == "x-powered-by"]
    found, seen = [], {main.product.key} if main and main.product else set()
    for label, value in sources:
        for token in TOKEN.finditer(value):
            product, pairs = product_for("", token.group(1))
            if product is None or product.key in seen:
                continue
            detected = detect_version(token.group(2), value)
            if label != "Server header" and not detected.distribution:
                detected = _server_distribution(product, detected, server)
            if detected.upstream and not product.truncated(detected.upstream):
                seen.add(product.key)
                found.append(Component(product, product.name, pairs, detected, f"{label} {value[:200]!r}"))
    return found


def _server_distribution(product: Product, detected: DetectedVersion, server: str) -> DetectedVersion:
    """An X-Powered-By version with the distribution the Server header names, if that ships it."""
    distribution, word = distribution_of(server)
    shipped = curated_feed().shipped_by(product.key, detected.upstream) if distribution else []
    if not any(name.startswith(distribution) for name in shipped):
        return detected
    return replace(detected, distribution=distribution, evidence=f"{word} in the Server header {server[:120]!r}")

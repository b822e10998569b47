"""What a detected service is, in NVD's words: (vendor, product) keys from the CPE nmap or our
probes wrote (CPE 2.2, `cpe:/a:openbsd:openssh:9.2p1`) or from the product name, with the
aliases NVD uses for the same software over the years (nginx is `igor_sysoev:nginx` to nmap,
`nginx:nginx` and `f5:nginx` to NVD) and the Debian source packages that ship it (for the
security tracker's fixed versions)."""

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Product:
    key: str  # our name for it ("apache_httpd"), used by the curated feed's distribution table
    name: str  # how findings name it ("Apache httpd")
    cpes: tuple  # ((vendor, product), ...) as NVD writes them; the first is the canonical one
    names: str  # a regular expression over detected product names
    debian: tuple = ()  # Debian source packages; a trailing "*" is a prefix ("php*")
    parts: int = 1  # the numeric parts every release has: fewer is a truncated version ("Apache/2")

    def truncated(self, upstream: str) -> bool:
        """True when the version names fewer parts than any release has (Apache's `ServerTokens
        Major`/`Minor` send "Apache/2", "Apache/2.4"): it cannot be matched against a range."""
        numeric = re.match(r"\d+(?:\.\d+)*", upstream)
        return not numeric or numeric.group(0).count(".") + 1 < self.parts


PRODUCTS = (
    Product("openssh", "OpenSSH", (("openbsd", "openssh"),), r"^openssh\b", ("openssh",)),
    Product("apache_httpd", "Apache httpd", (("apache", "http_server"),), r"^apache(?:\s*httpd)?$|^apache httpd|^apache/", ("apache2",), parts=3),
    Product("nginx", "nginx", (("f5", "nginx"), ("nginx", "nginx"), ("igor_sysoev", "nginx"), ("f5", "nginx_open_source")), r"^nginx\b", ("nginx",), parts=3),
    Product("vsftpd", "vsftpd", (("vsftpd_project", "vsftpd"), ("beasts", "vsftpd"), ("vsftpd", "vsftpd")), r"^vsftpd\b", ("vsftpd",), parts=3),
    Product("proftpd", "ProFTPD", (("proftpd", "proftpd"),), r"^proftpd\b", ("proftpd-dfsg",), parts=3),
    Product("exim", "Exim", (("exim", "exim"),), r"^exim\b", ("exim4",)),
    Product("dnsmasq", "dnsmasq", (("thekelleys", "dnsmasq"),), r"^dnsmasq\b", ("dnsmasq",)),
    Product("redis", "Redis", (("redis", "redis"), ("redislabs", "redis")), r"^redis\b", ("redis",), parts=3),
    Product("memcached", "Memcached", (("memcached", "memcached"), ("memcachedb", "memcached")), r"^memcached\b", ("memcached",), parts=3),
    Product("openssl", "OpenSSL", (("openssl", "openssl"),), r"^openssl\b", ("openssl",), parts=3),
    Product("php", "PHP", (("php", "php"),), r"^php\b", ("php*",), parts=3),
    Product("mysql", "MySQL", (("oracle", "mysql"), ("mysql", "mysql"), ("oracle", "mysql_server")), r"^mysql\b", ("mysql*",), parts=3),
    Product("mariadb", "MariaDB", (("mariadb", "mariadb"),), r"^mariadb\b", ("mariadb*",), parts=3),
    Product("postgresql", "PostgreSQL", (("postgresql", "postgresql"),), r"^postgresql\b", ("postgresql*",)),
    Product("bind", "ISC BIND", (("isc", "bind"),), r"^(?:isc )?bind\b", ("bind9",), parts=3),
    Product("postfix", "Postfix", (("postfix", "postfix"),), r"^postfix\b", ("postfix",)),
    Product("dovecot", "Dovecot", (("dovecot", "dovecot"),), r"^dovecot\b", ("dovecot",)),
    Product("iis", "Microsoft IIS", (("microsoft", "internet_information_services"), ("microsoft", "iis")), r"^microsoft[ -]iis\b|^microsoft iis httpd", ()),
    Product("tomcat", "Apache Tomcat", (("apache", "tomcat"),), r"^apache tomcat\b|^tomcat\b", ("tomcat*",), parts=3),
    Product("lighttpd", "lighttpd", (("lighttpd", "lighttpd"),), r"^lighttpd\b", ("lighttpd",), parts=3),
    Product("elasticsearch", "Elasticsearch", (("elastic", "elasticsearch"), ("elasticsearch", "elasticsearch")), r"^elasticsearch\b", (), parts=3),
)
BY_CPE = {pair: product for product in PRODUCTS for pair in product.cpes}
BY_KEY = {product.key: product for product in PRODUCTS}


def parse_cpe(uri: str) -> dict | None:
    """{part, vendor, product, version, update} of a CPE 2.2 URI (cpe:/a:vendor:product:version)
    or a CPE 2.3 formatted string (cpe:2.3:a:vendor:product:version:update:...); None if neither."""
    if not uri:
        return None
    if uri.startswith("cpe:2.3:"):
        fields = _split_23(uri[8:])
    elif uri.startswith("cpe:/"):
        fields = [_unquote(f) for f in uri[5:].split(":")]
    else:
        return None
    fields += [""] * (5 - len(fields))
    part, vendor, product, version, update = fields[:5]
    if not vendor or not product:
        return None
    return {"part": part, "vendor": vendor.lower(), "product": product.lower(),
            "version": version, "update": update}


def _split_23(text: str) -> list[str]:
    """CPE 2.3 fields split on unescaped colons, backslash escapes removed (`1.0\\:beta`)."""
    return [part.replace("\\", "") for part in re.split(r"(?<!\\):", text)]


def _unquote(field: str) -> str:
    return re.sub(r"%([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), field)


@lru_cache(maxsize=4096)
def product_for(cpe: str = "", name: str = "") -> tuple[Product | None, tuple]:
    """(Product or None, the (vendor, product) keys to look up) for a detected service."""
    parsed = parse_cpe(cpe)
    if parsed:
        pair = (parsed["vendor"], parsed["product"])
        known = BY_CPE.get(pair)
        if known is not None:
            return known, known.cpes
        return None, (pair,)
    lowered = (name or "").strip().lower()
    for product in PRODUCTS:
        if lowered and re.search(product.names, lowered):
            return product, product.cpes
    return None, ()


def debian_package_matches(product: Product | None, package: str) -> bool:
    if product is None:
        return False
    return any(package.startswith(p[:-1]) if p.endswith("*") else package == p for p in product.debian)

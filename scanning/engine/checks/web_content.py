"""Web servers family, CG-2006..2008: what the server does and shows. TRACE is its own request
(with a marker header the echo must carry back); default pages are read from the shared GET / and
only from a 200 answer (a 404 page is no default page), by title or by a known sentence of the
text; directory listings from GET / and, when it is none, from the directories it links to and a
few usual ones (`/files/`, `/backup/` ...)."""

import asyncio
import re

from .base import register
from .service_io import NET_ERRORS
from .web_http import WebCheck, exchange, front_page

TRACE_MARKER = "X-CG-Trace-Probe: cg-scanner-trace-check"
LISTING_TITLES = re.compile(r"^(Index of /|Directory listing for /|Directory Listing For /)", re.IGNORECASE)
IIS_LISTING = "[To Parent Directory]"
# Caddy's file_server browse page is titled with the bare directory name: known by its listing
# block and its sort links
CADDY_LISTING = re.compile(r"""<div class="listing">.*?href="\?sort=name&(?:amp;)?order=""", re.DOTALL)
DEFAULT_TITLES = (
    "Welcome to nginx!", "Welcome to nginx on Debian!", "Welcome to nginx on Ubuntu!", "Welcome to OpenResty!",
    "Apache2 Debian Default Page: It works", "Apache2 Ubuntu Default Page: It works",
    "Test Page for the Apache HTTP Server", "Test Page for the HTTP Server on Fedora",
    "Test Page for the Nginx HTTP Server on Fedora", "Test Page for the HTTP Server on Red Hat Enterprise Linux",
    "IIS Windows Server", "IIS Windows", "IIS7", "IIS8", "Welcome to CentOS",
    "Welcome to JBoss", "Welcome to JBoss AS", "Welcome to WildFly", "Lighttpd Default Page",
    "Placeholder page", "Welcome to your new site!", "Caddy works!",
)
DEFAULT_TITLE_PATTERNS = re.compile(r"^Apache Tomcat/\d[\w.-]*$")  # Tomcat's ROOT application names its version
APACHE_IT_WORKS = re.compile(r"^\s*<html><body><h1>It works!</h1>", re.IGNORECASE)
# default pages whose title says nothing ("Welcome page"): known by a sentence of their text
DEFAULT_PAGE_SENTENCES = re.compile(
    r"This is a placeholder page installed by the (?:Debian|Ubuntu) release of the Lighttpd server package", re.IGNORECASE)
# where unlisted files are usually left: asked when the front page is no listing itself
COMMON_DIRECTORIES = ("/files/", "/uploads/", "/upload/", "/backup/", "/backups/", "/data/", "/downloads/", "/pub/",
                      "/images/", "/static/", "/assets/", "/logs/", "/docs/", "/public/", "/share/", "/archive/",
                      "/old/", "/test/", "/tmp/", "/private/", "/export/")  # noqa: S108 (URL paths)
LINKED_DIRECTORY = re.compile(r"""href\s*=\s*["'](?!https?:|//|mailto:|#)([\w./-]*/)["']""", re.IGNORECASE)


@register
class TraceEnabled(WebCheck):
    nvt = "CG-2006"
    name = "HTTP TRACE method enabled"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N"
    qod = 95
    summary = "The web server answers the TRACE method by echoing the request back."
    insight = ("TRACE (RFC 9110 9.3.8) returns the request as received, headers included. Combined with a "
               "cross-site scripting flaw or a proxy, it exposes cookies and authorization headers, including "
               "HttpOnly ones (cross-site tracing).")
    affected = "Web servers with TRACE (or TRACK) left enabled."
    impact = "An attacker can read credentials carried in request headers (Cookie, Authorization)."
    solution = "Disable TRACE: Apache 'TraceEnable off'; IIS request filtering on the verb; other servers and proxies: refuse the method."
    solution_type = "Mitigation"
    cves = ("CVE-2004-2320", "CVE-2003-1567")
    references = ("https://owasp.org/www-community/attacks/Cross_Site_Tracing", "https://www.rfc-editor.org/rfc/rfc9110#section-9.3.8")

    async def run(self, ctx, host, port):
        response = await exchange(ctx, host, port, "TRACE", "/", f"{TRACE_MARKER}\r\n")
        if response is None or response.status != 200 or TRACE_MARKER.lower() not in response.body.lower():
            return []
        echoed = [line.strip() for line in response.body.splitlines() if line.strip()]
        shown = [line for line in echoed if line.startswith("TRACE ") or line.lower() == TRACE_MARKER.lower()]
        return [self.finding(port, f"TRACE / answered {response.status_line}, echoing the request: {' | '.join(shown)}")]


@register
class DirectoryListing(WebCheck):
    nvt = "CG-2007"
    name = "Web server directory listing enabled"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"
    qod = 90
    summary = "The web server lists the files of a directory instead of serving a page."
    insight = "Automatic index pages (nginx autoindex, Apache Options +Indexes, IIS directoryBrowse) show every file, including ones never linked."
    affected = "Web servers with automatic directory indexes enabled."
    impact = "Backups, configuration files and other unlinked content become easy to find and download."
    solution = "Turn automatic indexes off (nginx 'autoindex off;', Apache 'Options -Indexes', IIS directoryBrowse disabled)."
    references = ("https://cwe.mitre.org/data/definitions/548.html",)

    async def run(self, ctx, host, port):
        response = await front_page(ctx, host, port)
        if response is None:
            return []
        if is_listing(response):
            return [self.finding(port, f"GET / answered {response.status_line} with a directory listing titled {response.title!r}")]
        # The directories the front page links to, then the usual names; the first listing in that
        # order is the evidence (the requests go out together, bounded by the context's sockets).
        paths = directories_to_try(response)
        answers = await asyncio.gather(*(self.get(ctx, host, port, path) for path in paths))
        for path, answer in zip(paths, answers, strict=True):
            if answer is not None and is_listing(answer):
                return [self.finding(port, f"GET {path} answered {answer.status_line} with a directory listing titled "
                                           f"{answer.title!r}")]
        return []

    @staticmethod
    async def get(ctx, host, port, path):
        try:
            return await exchange(ctx, host, port, "GET", path)
        except NET_ERRORS:
            return None


def is_listing(response) -> bool:
    title = response.title
    body = response.body
    return response.status == 200 and bool(LISTING_TITLES.match(title) or (IIS_LISTING in body and " - /" in title)
                                           or CADDY_LISTING.search(body))


def directories_to_try(front) -> list[str]:
    """Same-site directories the front page links to (up to 8), then COMMON_DIRECTORIES."""
    linked = []
    for href in LINKED_DIRECTORY.findall(front.body if front.status < 400 else ""):
        path = "/" + href.lstrip("./").lstrip("/")
        if path != "/" and path not in linked and ".." not in path:
            linked.append(path)
    return list(dict.fromkeys([*linked[:8], *COMMON_DIRECTORIES]))


@register
class DefaultPage(WebCheck):
    nvt = "CG-2008"
    name = "Web server default page"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"
    qod = 90
    summary = "The web server shows the default page of its installation."
    insight = "A welcome page left in place shows a server installed and never configured (or forgotten), and names its software."
    affected = "Web servers still serving their installation's default page (nginx, Apache httpd, IIS, Tomcat ...)."
    impact = "Tells an attacker the server's software and suggests an unmaintained host."
    solution = "Remove the default page (or the unused server) and serve the intended content, or nothing."
    references = ("https://cwe.mitre.org/data/definitions/1188.html",)

    async def run(self, ctx, host, port):
        response = await front_page(ctx, host, port)
        if response is None or response.status != 200:
            return []
        title = response.title
        if title and (any(title.lower() == known.lower() for known in DEFAULT_TITLES) or DEFAULT_TITLE_PATTERNS.match(title)):
            return [self.finding(port, f"GET / answered {response.status_line} with the page titled {title!r}")]
        if not title and APACHE_IT_WORKS.match(response.body):
            return [self.finding(port, f"GET / answered {response.status_line} with Apache httpd's 'It works!' page")]
        if sentence := DEFAULT_PAGE_SENTENCES.search(page_text(response.body)):
            return [self.finding(port, f"GET / answered {response.status_line} with the page titled {title!r}: "
                                       f"'{sentence.group(0)}'")]
        return []


def page_text(html: str) -> str:
    """The page's words without markup, one space between them."""
    return " ".join(re.sub(r"<[^>]*>", " ", html).split())

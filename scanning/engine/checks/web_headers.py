"""Web servers family, CG-2001..2005: response headers of GET / (one request per port, shared).
Missing hardening headers are judged only on real pages (2xx with content; HTML for the
browser-only ones): a redirect, an error page or an API's JSON answer is not where a browser needs
them. They are log or low findings: defence in depth, not a vulnerability by themselves."""

import re
from urllib.parse import urlsplit

from .base import register
from .web_http import WebCheck, front_page

VERSION_TOKEN = re.compile(r"[A-Za-z][\w.+-]*/\d[\w.+~-]*")
HSTS_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
HSTS_MIN_DAYS = 180  # testssl.sh, SSL Labs and Mozilla's Observatory call a shorter policy too short
DISCLOSING_HEADERS = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version")


class HeaderCheck(WebCheck):
    header_name = ""
    html_only = False

    async def run(self, ctx, host, port):
        response = await front_page(ctx, host, port)
        if response is None or not self.judged(host, response):
            return []
        problem = self.problem(response)
        return [self.finding(port, f"GET / answered {response.status_line} {problem}")] if problem else []

    def judged(self, host, response) -> bool:
        return is_page(response) and (response.is_html or not self.html_only)

    def problem(self, response) -> str:
        """What is wrong with the header, as evidence ("" when nothing is)."""
        return "" if self.present(response) else f"without a valid {self.header_name} header"

    def present(self, response) -> bool:
        return bool(response.header(self.header_name))


def is_page(response) -> bool:
    """A 2xx answer with content: an empty one, untyped (Caddy's answer to a Host it serves no site
    for), is no page a browser shows."""
    return 200 <= response.status < 300 and bool(response.body.strip() or response.header("content-type"))


@register
class MissingHsts(HeaderCheck):
    nvt = "CG-2001"
    name = "HTTP Strict-Transport-Security (HSTS) missing on HTTPS"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N"
    header_name = "Strict-Transport-Security"
    summary = ("The HTTPS service does not send a Strict-Transport-Security header, or sends one with max-age=0 or "
               "a max-age under 180 days.")
    insight = ("Without HSTS (RFC 6797) a browser that is sent to http:// first can be kept on plain HTTP by an "
               "attacker in the network path (SSL stripping). A short max-age lets the policy lapse between visits, "
               "which leaves the next first request just as exposed.")
    affected = "HTTPS web servers and applications without HSTS."
    impact = "Users can be downgraded to unencrypted HTTP and their traffic read or modified."
    solution = "Send 'Strict-Transport-Security: max-age=31536000; includeSubDomains' on every HTTPS response."
    references = ("https://www.rfc-editor.org/rfc/rfc6797", "https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html")

    def applies(self, host, port) -> bool:
        return super().applies(host, port) and port.tls

    def judged(self, host, response) -> bool:
        if is_page(response):
            return True
        if response.status not in (301, 302, 303, 307, 308):
            return False
        target = urlsplit(response.header("location"))  # a redirect within this HTTPS site counts too
        return not target.netloc or (target.scheme == "https" and target.hostname in {host.hostname, host.ip})

    def problem(self, response) -> str:
        value = response.header(self.header_name)
        found = HSTS_MAX_AGE.search(value)  # repeated headers are joined: the first one counts (RFC 6797 8.1)
        if not found or int(found.group(1)) == 0:
            return f"without a valid {self.header_name} header"
        if int(found.group(1)) < HSTS_MIN_DAYS * 86400:
            return f"with {self.header_name}: {value} (max-age under {HSTS_MIN_DAYS} days)"
        return ""


@register
class MissingContentTypeOptions(HeaderCheck):
    nvt = "CG-2002"
    name = "HTTP X-Content-Type-Options header missing"
    cvss_vector = ""  # log
    header_name = "X-Content-Type-Options"
    summary = "The web server does not send 'X-Content-Type-Options: nosniff'."
    insight = "Without it, browsers may guess (sniff) a response's type and run uploaded content as script or style."
    affected = "Web servers and applications without the header."
    impact = "Content served as data may be interpreted as HTML or script (cross-site scripting through uploads)."
    solution = "Send 'X-Content-Type-Options: nosniff' on every response."
    references = ("https://fetch.spec.whatwg.org/#x-content-type-options-header", "https://owasp.org/www-project-secure-headers/")

    def present(self, response) -> bool:
        return response.header(self.header_name).strip().lower() == "nosniff"


@register
class MissingFrameOptions(HeaderCheck):
    nvt = "CG-2003"
    name = "HTTP clickjacking protection missing (X-Frame-Options / CSP frame-ancestors)"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:N/I:L/A:N"
    header_name = "X-Frame-Options"
    html_only = True
    summary = "HTML pages are sent without X-Frame-Options or a Content-Security-Policy frame-ancestors directive."
    insight = "Any other site can load the page in a hidden frame and trick users into clicking on it (clickjacking)."
    affected = "Web applications whose pages can be framed by other origins."
    impact = "Users can be led to perform actions in the application without knowing it."
    solution = "Send 'Content-Security-Policy: frame-ancestors 'self'' (or 'X-Frame-Options: DENY' / 'SAMEORIGIN')."
    references = ("https://www.rfc-editor.org/rfc/rfc7034", "https://www.w3.org/TR/CSP3/#directive-frame-ancestors")

    def present(self, response) -> bool:
        framing = response.header("x-frame-options").strip().lower()
        policy = response.header("content-security-policy").lower()
        return framing in ("deny", "sameorigin") or "frame-ancestors" in policy


@register
class MissingContentSecurityPolicy(HeaderCheck):
    nvt = "CG-2004"
    name = "HTTP Content-Security-Policy header missing"
    cvss_vector = ""  # log
    header_name = "Content-Security-Policy"
    html_only = True
    summary = "HTML pages are sent without a Content-Security-Policy."
    insight = "A Content Security Policy limits where scripts, styles and frames may come from, which contains cross-site scripting."
    affected = "Web applications without a Content-Security-Policy."
    impact = "A cross-site scripting flaw, if there is one, is fully exploitable."
    solution = "Define a Content-Security-Policy suited to the application (start with default-src 'self')."
    references = ("https://www.w3.org/TR/CSP3/", "https://cheatsheetseries.owasp.org/cheatsheets/Content_Security_Policy_Cheat_Sheet.html")


@register
class VersionDisclosure(WebCheck):
    nvt = "CG-2005"
    name = "Web server version disclosure (Server / X-Powered-By)"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N"
    summary = "The web server names its software and version in response headers."
    insight = "Server, X-Powered-By and X-AspNet-Version headers with a version tell an attacker which known flaws to try."
    affected = "Web servers configured to announce their version."
    impact = "Makes finding a working exploit for an outdated component easier."
    solution = ("Hide version numbers: nginx 'server_tokens off;', Apache 'ServerTokens Prod' and 'ServerSignature Off', "
                "PHP 'expose_php = Off', IIS 'removeServerHeader' and 'enableVersionHeader=false'.")
    references = ("https://owasp.org/www-project-web-security-testing-guide/latest/4-Information_Gathering/02-Fingerprint_Web_Server",)

    async def run(self, ctx, host, port):
        response = await front_page(ctx, host, port)
        if response is None:
            return []
        shown = [f"{name.title()}: {response.header(name)}" for name in DISCLOSING_HEADERS if self.discloses(name, response.header(name))]
        return [self.finding(port, "; ".join(shown))] if shown else []

    @staticmethod
    def discloses(name: str, value: str) -> bool:
        if name.startswith("x-aspnet"):
            return bool(re.search(r"\d", value))
        return bool(VERSION_TOKEN.search(value))

"""One webhook POST: the connection goes to an address checked by events.services.ssrf (the
host name is resolved once, checked, and that address is used: no second lookup to rebind),
with the time-outs of events.md, no redirects and no proxies from the environment; at most
2 KB of the answer is kept."""

import time
from dataclasses import dataclass

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from events.services import ssrf

RESPONSE_LIMIT = 2048


@dataclass
class Outcome:
    status: int | None = None
    body: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to `address` while the request keeps its host name (Host header, TLS SNI and
    certificate check)."""

    def __init__(self, address, hostname, **kwargs):
        self.address, self.hostname = str(address), hostname
        super().__init__(max_retries=0, **kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host_params["host"] = self.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = self.hostname
            pool_kwargs["assert_hostname"] = self.hostname
        return host_params, pool_kwargs


def post(url, body, headers):
    started = time.monotonic()
    outcome = Outcome()
    try:
        scheme, host, port = ssrf.parse(url)
        addresses = ssrf.check_url(url, require_resolution=True)
        outcome = _send(url, body, headers, addresses[0], host, started)
    except ssrf.UnsafeTarget as error:
        outcome.error = f"refused: the URL {error}"
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def _send(url, body, headers, address, host, started):
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    adapter = PinnedAddressAdapter(address, host)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    total = settings.WEBHOOK_TIMEOUT
    try:
        with session.post(url, data=body, headers=headers, allow_redirects=False, stream=True,
                          timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, total)) as response:
            return Outcome(status=response.status_code, body=_read_limited(response, started + total))
    except requests.Timeout:
        return Outcome(error=f"timed out (connect {settings.WEBHOOK_CONNECT_TIMEOUT:g} s, total {total:g} s)")
    except requests.RequestException as error:
        return Outcome(error=f"could not connect: {type(error).__name__}"[:255])
    finally:
        session.close()


def _read_limited(response, deadline):
    """The first 2 KB of the body, within what is left of the total time-out."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(chunk_size=512):
            chunks.append(chunk)
            size += len(chunk)
            if size >= RESPONSE_LIMIT or time.monotonic() > deadline:
                break
    except requests.RequestException:
        pass  # the status is what counts; a truncated body is fine
    return b"".join(chunks)[:RESPONSE_LIMIT].decode("utf-8", "replace")

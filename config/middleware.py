"""Site-wide middleware that belongs to no app."""

from django.conf import settings


class SecureCookiesOverTlsMiddleware:
    """Cookies set on a request that arrived over TLS (directly, or through a proxy sending
    X-Forwarded-Proto: https) are secure-only, even where SESSION_COOKIE_SECURE is off because
    the same install also answers plain HTTP (scripts/run.sh on loopback). Listed before the
    session and CSRF middleware, so it sees the cookies they set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response

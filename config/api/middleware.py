"""The edge of the /v2 and /auth API, in one place (conventions.md, Errors):

- every response is `Cache-Control: no-store` (sign-in answers, tokens, API data: nothing an
  intermediary or the browser may keep);
- a body larger than the route accepts is refused with 413 before it is read
  (`API_MAX_BODY_BYTES`; views that take uploads declare `max_body_bytes`);
- every failure is the JSON error body, whatever produced it (Django's HTML pages for a
  disallowed Host, a CSRF refusal or a 404 never reach an API client).
"""

import re

from django.conf import settings
from django.http import JsonResponse

from .exceptions import error_body

API_PATH = re.compile(r"^/(?:v2|auth)(?:/|$)")
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-Id")
GENERIC_MESSAGES = {
    400: "The request could not be understood",
    403: "You are not allowed to perform this action",
    404: "Record not found",
    405: "Method not allowed",
    413: "The request body is too large",
    500: "Something went wrong on our side; it has been logged",
}


def is_api_path(path):
    return bool(API_PATH.match(path or ""))


def body_limit(view_func):
    """Bytes a view accepts: its `max_body_bytes` (upload routes), else API_MAX_BODY_BYTES."""
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return getattr(view_class, "max_body_bytes", None) or settings.API_MAX_BODY_BYTES


def too_large(limit):
    return JsonResponse(error_body(413, f"The request body is too large (at most {limit} bytes)"), status=413)


class ApiEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path_info):
            return self.get_response(request)
        # Before anything reads the body: no route accepts more than the largest limit.
        if self._declared_length(request) > max(settings.API_MAX_BODY_BYTES, settings.API_MAX_UPLOAD_BYTES):
            response = too_large(settings.API_MAX_BODY_BYTES)
        else:
            response = self.get_response(request)
        response = as_json_failure(response)
        response["Cache-Control"] = "no-store"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_api_path(request.path_info):
            limit = body_limit(view_func)
            if self._declared_length(request) > limit:
                return too_large(limit)
        return None

    @staticmethod
    def _declared_length(request):
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 0


def as_json_failure(response):
    """A failure that is not JSON (an HTML page from Django) becomes the JSON error body."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
        return response
    status = response.status_code
    replacement = JsonResponse(error_body(status, GENERIC_MESSAGES.get(status, "The request failed")), status=status)
    for name in KEPT_HEADERS:
        if response.has_header(name):
            replacement[name] = response[name]
    return replacement

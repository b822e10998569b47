"""One error body for every failure of the /v2 API (conventions.md, Errors):
{"status", "status_text", "message", "errors"}. No stack trace or SQL ever reaches a client."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from .errors import DomainError, TooManyRequests

logger = logging.getLogger("config.api")

STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Record Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Bad Request",
    422: "Parameter Error",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def error_body(status, message, errors=None):
    return {
        "status": status,
        "status_text": STATUS_TEXT.get(status, "Error"),
        "message": message,
        "errors": errors or {},
    }


def flatten_errors(detail, prefix=""):
    """DRF's nested ValidationError detail → {"plans.0.interval": ["..."]}."""
    flat = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "base" if key == "non_field_errors" else str(key)
            flat.update(flatten_errors(value, f"{prefix}{name}" if not prefix else f"{prefix}.{name}"))
    elif isinstance(detail, list) and detail and all(isinstance(d, (dict, list)) for d in detail):
        for index, value in enumerate(detail):
            if value:
                flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        flat[prefix or "base"] = [friendly(m) for m in messages]
    return flat


FRIENDLY = {
    "This field is required.": "is required",
    "This field may not be blank.": "can't be blank",
    "This field may not be null.": "can't be null",
    "Enter a valid email address.": "is not a valid e-mail address",
    "Must be a valid UUID.": "is not a valid id",
    "Must be a valid boolean.": "must be true or false",
    "A valid integer is required.": "must be an integer",
    "Not a valid string.": "must be a string",
}


def friendly(message):
    """DRF's sentence-style messages read as predicates after the field name."""
    message = str(message)
    if message in FRIENDLY:
        return FRIENDLY[message]
    if message.startswith("Invalid pk"):
        return "was not found"
    if message.startswith('"') and "is not a valid choice" in message:
        return message.replace('"', "'").rstrip(".")
    return message[:1].lower() + message[1:].rstrip(".") if message[:2] not in ("ID", "IP", "UR") else message.rstrip(".")


def validation_message(errors):
    parts = [f"{name} {msgs[0]}" if name != "base" else msgs[0] for name, msgs in errors.items()]
    return "Validation failed: " + "; ".join(parts) if parts else "Validation failed"


def _status_and_body(exc):
    if isinstance(exc, DomainError):
        return exc.status, error_body(exc.status, exc.message, exc.errors)
    if isinstance(exc, drf.ValidationError):
        errors = flatten_errors(exc.detail)
        return 422, error_body(422, validation_message(errors), errors)
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return 401, error_body(401, str(exc.detail))
    if isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        detail = getattr(exc, "detail", None) or "You are not allowed to perform this action"
        return 403, error_body(403, str(detail))
    if isinstance(exc, (drf.NotFound, Http404)):
        return 404, error_body(404, "Record not found")
    if isinstance(exc, RequestDataTooBig):
        return 413, error_body(413, "The request body is too large")
    if isinstance(exc, TooManyFieldsSent):
        return 400, error_body(400, "The request has too many fields")
    if isinstance(exc, drf.UnsupportedMediaType):
        return 400, error_body(400, str(exc.detail))
    if isinstance(exc, drf.APIException):
        return exc.status_code, error_body(exc.status_code, str(exc.detail))
    return None, None


def handle_exception(exc, context):
    status, body = _status_and_body(exc)
    if status is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        status, body = 500, error_body(500, "Something went wrong on our side; it has been logged")
    response = Response(body, status=status)
    if isinstance(exc, drf.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def json_error(status, message):
    """Plain-Django JSON error, for URLconf-level 404/500 under /v2 and /auth."""
    return JsonResponse(error_body(status, message), status=status)

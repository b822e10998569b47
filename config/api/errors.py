"""Domain errors. Services raise these; the API maps them to statuses, the admin shows them as
messages, and management commands print them. Nothing here knows about HTTP frameworks."""


class DomainError(Exception):
    status = 422
    status_text = "Parameter Error"

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidInput(DomainError):
    """A request parameter or field is wrong (422). `errors` maps field names to messages."""

    @classmethod
    def field(cls, name, message):
        return cls(f"Validation failed: {name} {message}", {name: [message]})


class LimitExceeded(InvalidInput):
    """A plan limit would be exceeded (422 naming the limit)."""


class Conflict(DomainError):
    """The action does not fit the current state (409)."""

    status = 409
    status_text = "Conflict"


class Forbidden(DomainError):
    """The caller's role or subscription does not allow this (403)."""

    status = 403
    status_text = "Forbidden"


class NotFound(DomainError):
    status = 404
    status_text = "Record Not Found"


class Unauthorized(DomainError):
    status = 401
    status_text = "Unauthorized"


class TooManyRequests(DomainError):
    """Throttled (429); `retry_after` seconds go into the Retry-After header."""

    status = 429
    status_text = "Too Many Requests"

    def __init__(self, message, retry_after=60):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))

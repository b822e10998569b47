"""Reading the loose parameters of the identity routes: from the JSON body (bare or wrapped,
e.g. `{"user": {...}}`) or the query string, as conventions.md allows. Codes may arrive as JSON
numbers; anything else that is not a string is a 422 naming the parameter."""

from config.api.errors import InvalidInput

# One-time codes have a fixed number of digits: sent as a JSON number, 012345 arrives as 12345.
CODE_DIGITS = {"otp_attempt": 6}


def read(request, name, *, required=False, wrappers=("user",), strip=True):
    """A string (or None). Passwords are read with `strip=False`."""
    body = request.data if hasattr(request.data, "get") else {}
    sources = [body[w] for w in wrappers if isinstance(body.get(w), dict)] + [body]
    value = next((s.get(name) for s in sources if s.get(name) not in (None, "")), None)
    if value in (None, ""):
        value = request.query_params.get(name)
    if isinstance(value, bool) or not isinstance(value, (str, int, type(None))):
        raise InvalidInput.field(name, "must be a string")
    if isinstance(value, int):
        value = str(value).zfill(CODE_DIGITS.get(name, 0))
    if value and "\x00" in value:  # PostgreSQL refuses NUL in a string; it is never valid input here
        raise InvalidInput.field(name, "must not contain NUL characters")
    if value is not None and strip:
        value = value.strip()
    if required and not value:
        raise InvalidInput.field(name, "is required")
    return value or None

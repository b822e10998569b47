"""Small readers for query-string and body parameters, raising 422 naming the parameter."""

from .errors import InvalidInput

TRUE = {"true", "1", "yes", "on", "t"}
FALSE = {"false", "0", "no", "off", "f", ""}


def truthy(name, value):
    """A boolean parameter: true/false/1/0/yes/no (any case); anything else is a 422."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InvalidInput.field(name, "must be true or false")


def flag(params, name, default=False):
    return truthy(name, params[name]) if name in params else default


def param(request, name, required=True):
    """A parameter from the query string or the JSON body (the documented endpoints take both)."""
    value = request.query_params.get(name)
    if value in (None, "") and hasattr(request.data, "get"):
        value = request.data.get(name)
    if required and value in (None, ""):
        raise InvalidInput.field(name, "is required")
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL refuses NUL in a string literal
        raise InvalidInput.field(name, "must not contain NUL characters")
    return value

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .errors import InvalidInput


class StrictJSONParser(JSONParser):
    """JSON bodies; anything that is not valid JSON, or not an object, is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # nested deeper than the parser's stack: not a document we take
            raise ParseError("JSON parse error - the body is nested too deeply") from None
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object")
        return data


def unwrap(data, resource_name):
    """Rails-style parameter wrapping: `{"user": {...}}` and the bare `{...}` mean the same.
    Top-level siblings of the wrapper (e.g. `plans` next to `organization`) are kept."""
    if not hasattr(data, "items"):
        return {}
    wrapped = data.get(resource_name)
    if resource_name in data and not isinstance(wrapped, dict):
        raise InvalidInput.field(resource_name, "must be an object of the resource's attributes")
    if isinstance(wrapped, dict):
        merged = {k: v for k, v in data.items() if k != resource_name}
        merged.update(wrapped)
        return merged
    return {k: v for k, v in data.items()}

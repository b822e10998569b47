"""The API's JSON renderer (orjson) writes byte-for-byte what DRF's json renderer writes."""

import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from config.api.renderers import EnvelopeJSONRenderer

PAYLOADS = [
    {"data": [], "meta": {"current_page": 1, "total_count": 0}, "links": {"next": None}},
    {"text": 'ünïcödé, emoji 🛰, quotes " and \\ and \n', "separators": "a\u2028b\u2029c"},
    {"numbers": [0, -1, 2.5, 0.1, 0.0001, 1e16, 1e300, 10**18, 9.87], "flags": [True, False, None]},
    {"uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"), "decimal": decimal.Decimal("1.50")},
    {"when": datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.UTC), "day": datetime.date(2026, 1, 2)},
    {"naive": datetime.datetime(2026, 1, 2, 3, 4, 5), "time": datetime.time(1, 2, 3, 400000)},
    {"lazy": gettext_lazy("Record not found"), 7: "integer key", "nested": {"list": [{"a": [1, [2]]}]}},
    {"huge": 2**70},  # beyond orjson: the standard library renders it
    {},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_same_bytes_as_drf(payload):
    assert EnvelopeJSONRenderer().render(payload) == JSONRenderer().render(payload)


def test_tiny_floats_are_the_same_number():
    """The one spelling difference: an exponent below -4 is written 1e-7 (json.dumps: 1e-07)."""
    import json

    assert json.loads(EnvelopeJSONRenderer().render({"x": 1e-7})) == {"x": 1e-7}


def test_indent_requests_are_honoured():
    body = EnvelopeJSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert body == b'{\n  "a": 1\n}'


def test_nothing_renders_as_an_empty_body():
    assert EnvelopeJSONRenderer().render(None) == b""

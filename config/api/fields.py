"""Input fields shared by the /v2 input serializers."""

from rest_framework import serializers


class TextOnly:
    """A text attribute takes a JSON string only: a number or a boolean is a 422 (conventions.md:
    "a known attribute with a wrong type or value is a 422"), not quietly stored as "123"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(TextOnly, serializers.CharField):
    pass


class StrictEmailField(TextOnly, serializers.EmailField):
    pass

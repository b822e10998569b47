"""Input fields shared by the /v2 input serializers."""

from django.db import models
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


# --- integers the database can store ----------------------------------------------------------
# The portable ranges of Django's integer fields (PostgreSQL's; SQLite stores more): an input
# past them is a 422 naming the field, never an overflow (a 500) when the row is saved.
def integer_range(model_field):
    """(lowest, highest) value `model_field` (a Django model field) stores; (None, None) when it
    is not an integer field."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    return BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type(), (None, None))


BIGINT_RANGE = integer_range(models.BigIntegerField())


def bound_integer_field(field, low, high):
    """Narrow a DRF IntegerField to [low, high] (keeping tighter bounds it already has)."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    if high is not None and (field.max_value is None or field.max_value > high):
        field.max_value = high
        field.validators.append(MaxValueValidator(high, message=field.error_messages["max_value"].format(max_value=high)))
    if low is not None and (field.min_value is None or field.min_value < low):
        field.min_value = low
        field.validators.append(MinValueValidator(low, message=field.error_messages["min_value"].format(min_value=low)))


class ModelInput(serializers.Serializer):
    """An input serializer writing fields of `model`: every integer field (list items too) is
    bounded by the range of the model field it is stored in (`source`), and any other integer
    by the widest database integer."""

    model = None

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            self._bound(field, field.source or name)
        return fields

    def _bound(self, field, source):
        if isinstance(field, serializers.ListField):
            self._bound(field.child, source)
        elif isinstance(field, serializers.IntegerField):
            bound_integer_field(field, *self._range_of(source))

    def _range_of(self, source):
        from django.core.exceptions import FieldDoesNotExist

        try:
            low, high = integer_range(self.model._meta.get_field(source))
        except (AttributeError, FieldDoesNotExist):
            return BIGINT_RANGE
        return (low, high) if high is not None else BIGINT_RANGE

"""The resource serializer base: renders `{"id", "type", "attributes", "relationships"}` and
validates bare attribute dictionaries (wrapping is undone before validation)."""

from django.db import models
from rest_framework import serializers

from .timestamps import iso_timestamp  # also imported from here by the API's serializers


class TimestampField(serializers.DateTimeField):
    def to_representation(self, value):
        return iso_timestamp(value)


class ResourceSerializer(serializers.ModelSerializer):
    """Subclasses set `resource_type` and `relationships = {"name": ("fk_attname", "type")}`."""

    resource_type = None
    relationships = {}

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: TimestampField,
    }

    def to_representation(self, instance):
        pk = str(instance.pk)
        attributes = {"id": pk}
        attributes.update(self.attributes(instance))
        body = {"id": pk, "type": self.resource_type, "attributes": attributes}
        if self.relationships:
            body["relationships"] = {
                name: {"data": relationship(getattr(instance, attname), kind)}
                for name, (attname, kind) in self.relationships.items()
            }
        return body


    def attributes(self, instance):
        """The attribute dictionary; subclasses may build it by hand (faster, custom shape)."""
        return super().to_representation(instance)


def relationship(pk, kind):
    return {"id": str(pk), "type": kind} if pk is not None else None


class ListedRowSerializer(ResourceSerializer):
    """A ResourceSerializer whose list pages hand it plain rows (`listed_rows`): a row is written
    by `listed(row)` straight from its columns, a model instance the usual way."""

    def to_representation(self, instance):
        if isinstance(instance, dict):
            return self.listed(instance)
        return super().to_representation(instance)

    def listed(self, row):
        raise NotImplementedError

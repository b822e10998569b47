"""The event every emit() call becomes: who did what to which resource, in which organization."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.utils import timezone

from events import registry
from events.services.values import describe, plain

# Keyword arguments of emit() that steer the event instead of describing it.
CONTROL_KEYS = {"impersonator", "ip", "recipients", "dedupe_key", "title", "message"}


@dataclass
class Event:
    name: str
    resource: object = None
    actor: object = None
    organization_id: object = None
    data: dict = field(default_factory=dict)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=timezone.now)
    _organization: object = None

    @property
    def resource_type(self):
        return self.data.get("resource_type") or registry.resource_type_of(self.resource)

    @property
    def resource_id(self):
        pk = getattr(self.resource, "pk", None)
        return str(pk) if pk is not None else ""

    @property
    def resource_repr(self):
        if self.resource is None:
            return ""
        try:
            return str(self.resource)[:255]
        except Exception:  # a __str__ reaching for a deleted relation
            return describe({"name": getattr(self.resource, "name", "")})

    @property
    def organization(self):
        """The organization record (fetched at most once)."""
        if self._organization is None and self.organization_id is not None:
            model = apps.get_model("organizations", "Organization")
            self._organization = model.objects.filter(pk=self.organization_id).first()
        return self._organization

    def public_data(self):
        """The event's extra keyword arguments that describe it (JSON-safe)."""
        return {key: plain(value) for key, value in self.data.items() if key not in CONTROL_KEYS}


def build_event(name, resource, actor, organization, data):
    event = Event(name=name, resource=resource, actor=actor if _is_user(actor) else None, data=dict(data))
    if registry.is_organization(organization):
        event._organization, event.organization_id = organization, organization.pk
    elif organization is not None:
        event.organization_id = uuid.UUID(str(organization))
    elif registry.is_organization(resource):
        event._organization, event.organization_id = resource, resource.pk
    else:
        event.organization_id = registry.organization_id_of(resource) or getattr(event.actor, "organization_id", None)
    return event


def _is_user(value):
    return value is not None and getattr(value, "is_authenticated", False) and getattr(value, "pk", None) is not None

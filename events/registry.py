"""What events needs to know about other apps' resources, registered by those apps (from their
AppConfig.ready) so that events never imports them:

- `register_serializer(model, "app.api.serializers.SomeSerializer")`: the API form of a
  resource, for webhook payloads (`data`) and resource types in audit events and notifications.
- `register_pci_verdict_source(fn)`: the scanning app tells the overdue-PCI reminder when each
  organization last passed a PCI scan.
"""

import logging
import re

from django.utils.module_loading import import_string

logger = logging.getLogger("events")

_serializers = {}  # model label -> (serializer class, callable(instance) -> dict, or the dotted path of one; resource type)
_pci_sources = []


def _label(model_or_instance):
    return model_or_instance._meta.label


def register_serializer(model, serializer, resource_type=None):
    """`serializer` is a ResourceSerializer class (its `attributes` form is used), a callable
    `instance -> dict`, or the dotted path of either. A path is imported when first needed, so
    that starting Django (every manage.py command) does not import the API's serializers and DRF."""
    _serializers[_label(model)] = (serializer, resource_type)


def _registered(model_or_instance):
    """(serializer, resource type or None) registered for the model, a path imported; or None."""
    label = _label(model_or_instance)
    entry = _serializers.get(label)
    if entry is not None and isinstance(entry[0], str):
        entry = _serializers[label] = (import_string(entry[0]), entry[1])
    return entry


def snake_case(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def resource_type_of(model_or_instance):
    if model_or_instance is None:
        return ""
    entry = _registered(model_or_instance)
    resource_type = entry and (entry[1] or getattr(entry[0], "resource_type", None))
    if resource_type:
        return resource_type
    return snake_case(model_or_instance._meta.object_name)


def is_organization(instance):
    return instance is not None and hasattr(instance, "_meta") and _label(instance) == "organizations.Organization"


def organization_id_of(instance):
    """The organization a record belongs to (the record itself for an organization)."""
    if instance is None:
        return None
    if is_organization(instance):
        return instance.pk
    return getattr(instance, "organization_id", None)


def attributes_of(instance):
    """The resource in the API's attributes form (webhook `data`); a minimal form for models
    nobody registered."""
    entry = _registered(instance)
    if entry is not None:
        serializer = entry[0]
        try:
            if isinstance(serializer, type):
                body = serializer(instance, context={}).data
                return dict(body.get("attributes", body))
            return dict(serializer(instance))
        except Exception:  # a serializer needing request context must not break event delivery
            logger.exception("serializing %s for an event failed; sending its minimal form", _label(instance))
    return {"id": str(instance.pk), "name": str(instance)}


def register_pci_verdict_source(fn):
    """`fn()` -> iterable of (organization_id, last passing PCI scan time or None) for every
    organization that must keep a passing PCI scan (e.g. those subscribed to the pci product)."""
    if fn not in _pci_sources:
        _pci_sources.append(fn)


def pci_verdicts():
    for source in _pci_sources:
        yield from source()

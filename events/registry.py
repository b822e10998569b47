"""What events needs to know about other apps' resources, registered by those apps (from their
AppConfig.ready) so that events never imports them:

- `register_serializer(model, serializer_class)`: the API form of a resource, for webhook
  payloads (`data`) and resource types in audit events and notifications.
- `register_pci_verdict_source(fn)`: the scanning app tells the overdue-PCI reminder when each
  organization last passed a PCI scan.
"""

import logging
import re

logger = logging.getLogger("events")

_serializers = {}  # model label -> (serializer class or callable(instance) -> dict, resource type)
_pci_sources = []


def _label(model_or_instance):
    return model_or_instance._meta.label


def register_serializer(model, serializer, resource_type=None):
    """`serializer` is a ResourceSerializer class (its `attributes` form is used) or a callable
    `instance -> dict`."""
    _serializers[_label(model)] = (serializer, resource_type or getattr(serializer, "resource_type", None))


def snake_case(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def resource_type_of(model_or_instance):
    if model_or_instance is None:
        return ""
    entry = _serializers.get(_label(model_or_instance))
    if entry and entry[1]:
        return entry[1]
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
    entry = _serializers.get(_label(instance))
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

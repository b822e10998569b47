"""`emit(name, resource, actor=..., organization=...)`: the one call domain code makes after a
change. The events issue turns it into audit records, notifications and webhook deliveries;
until then it only logs at debug level."""

import logging

logger = logging.getLogger("events")


def emit(name, resource=None, *, actor=None, organization=None, **data):
    logger.debug("event %s on %r by %s", name, resource, getattr(actor, "pk", None))

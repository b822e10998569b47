from django.db import transaction

from config.api.errors import InvalidInput
from events.emit import emit


def emit_after_commit(name, resource, actor=None, **data):
    transaction.on_commit(lambda: emit(name, resource, actor=actor, organization=getattr(resource, "organization", None), **data))


def require_product(actor):
    product = actor.current_product() if actor is not None else ""
    if not product:
        raise InvalidInput.field("product", "is not set: subscribe to a product, then PUT /v2/user/change_product")
    return product

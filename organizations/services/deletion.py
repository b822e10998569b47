"""Deleting an organization with everything it owns.

Tenant-owned models point at their organization with CASCADE, but some point at each other with
PROTECT (a scan protects its target, a target its port list), and Django refuses a cascade that
reaches a protected row even when the protecting row is being deleted too. So the owned rows go
first, model by model, protecting models before the models they protect; this module knows no
app: it reads the model graph."""

from django.apps import apps
from django.db import models

from config.api.errors import Conflict

BLOCKING = (models.PROTECT, models.RESTRICT)


def owned_models(organization_model):
    """Models with an `organization` foreign key to the organization model."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "organization"), None)
        if field is not None and field.is_relation and field.related_model is organization_model:
            found.append(model)
    return found


def deletion_order(owned):
    """`owned` ordered so that a model comes before every owned model it protects."""
    protects = {model: set() for model in owned}
    for model in owned:
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in protects and target is not model and field.remote_field.on_delete in BLOCKING:
                protects[model].add(target)
    ordered, placed = [], set()

    def place(model, path=()):
        if model in placed or model in path:  # a protection cycle: leave it to the database
            return
        for other, protected in protects.items():
            if model in protected:
                place(other, (*path, model))
        placed.add(model)
        ordered.append(model)

    for model in owned:
        place(model)
    return ordered


def deletion_summary(organization):
    """{model: count} of the organization's owned rows that `delete_owned_data` deletes, in
    deletion order, models without rows left out: what a confirmation shows instead of the rows
    (their own dependants, such as a run's results, go with them)."""
    summary = {}
    for model in deletion_order(owned_models(type(organization))):
        count = model._base_manager.filter(organization=organization).count()
        if count:
            summary[model] = count
    return summary


def delete_owned_data(organization):
    """Delete the organization's rows of every owned model, then the organization. A row of
    another organization that still points at one of them is a 409, never a 500."""
    try:
        for model in deletion_order(owned_models(type(organization))):
            model._base_manager.filter(organization=organization).delete()
        organization.delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        raise Conflict(f"The organization's data is still referenced elsewhere: {error.args[0]}") from None

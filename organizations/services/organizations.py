"""Organization rules, shared by the API, the admin and the management commands."""

from django.conf import settings
from django.db import transaction

from config.api.errors import Forbidden, InvalidInput
from config.api.permissions import has_role
from organizations.models import Organization

from .deletion import delete_owned_data


def staff_organization():
    org, _ = Organization.objects.get_or_create(
        is_staff_organization=True,
        defaults={"name": settings.STAFF_ORGANIZATION_NAME, "company_name": settings.STAFF_ORGANIZATION_NAME},
    )
    return org


def descendant_ids(root_ids):
    """Every organization below the given ones (the partner tree), one query per level."""
    found, seen, frontier = [], set(root_ids), list(root_ids)
    while frontier:
        children = Organization.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
        frontier = [i for i in children if i not in seen]  # a set: partners have hundreds of customers
        seen.update(frontier)
        found.extend(frontier)
    return found


def visible_organization_ids(user):
    """None = every organization (platform Admin); otherwise the ids the user may see."""
    if not user.is_authenticated or user.organization_id is None:
        return []
    if user.role == "Admin":
        return None
    if user.role == "Partner":
        return [user.organization_id, *descendant_ids([user.organization_id])]
    return [user.organization_id]


def _check_parent(actor, parent):
    if parent is None:
        return
    ids = actor.visible_organization_ids()
    if ids is not None and parent.pk not in ids:
        raise InvalidInput.field("parent_organization", "was not found")
    if not parent.partner and not parent.is_staff_organization:
        raise InvalidInput.field("parent_organization", "is not a partner organization")


@transaction.atomic
def create_organization(actor, fields, after_create=()):
    """Partners create customers below themselves (by default); staff anywhere."""
    if not has_role(actor, "Partner"):
        raise Forbidden("Only partners and platform staff can create organizations")
    fields = dict(fields)
    if "partner" in fields and actor.role != "Admin":
        raise InvalidInput.field("partner", "can only be set by platform staff")
    parent = fields.pop("parent", None)
    if parent is None and actor.role == "Partner":
        parent = actor.organization
    _check_parent(actor, parent)
    organization = Organization.objects.create(parent=parent, **fields)
    for hook in after_create:
        hook(organization)
    return organization


@transaction.atomic
def update_organization(actor, organization, fields):
    fields = dict(fields)
    if "partner" in fields and fields["partner"] != organization.partner and actor.role != "Admin":
        raise InvalidInput.field("partner", "can only be changed by platform staff")
    if "parent" in fields:
        parent = fields["parent"]
        if parent != organization.parent and not has_role(actor, "Partner"):
            raise InvalidInput.field("parent_organization", "can only be changed by partners and staff")
        if parent is not None and (parent.pk == organization.pk or parent.pk in descendant_ids([organization.pk])):
            raise InvalidInput.field("parent_organization", "would create a cycle")
        if parent != organization.parent:
            _check_parent(actor, parent)
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.save()
    return organization


@transaction.atomic
def delete_organization(actor, organization):
    if not has_role(actor, "Partner"):
        raise Forbidden("Only partners and platform staff can delete organizations")
    if organization.pk == actor.organization_id:
        raise InvalidInput.field("id", "is your own organization and cannot be deleted")
    if organization.is_staff_organization:
        raise InvalidInput.field("id", "is the platform staff organization and cannot be deleted")
    if organization.customers.exists():
        raise InvalidInput.field("id", "still has customer organizations; move or delete them first")
    delete_owned_data(organization)  # its users and every tenant-owned row, in a safe order


@transaction.atomic
def move_user(actor, user, organization):
    """Move a user to another organization the actor can manage."""
    if not has_role(actor, "Partner"):
        raise Forbidden("Only partners and platform staff can move users between organizations")
    if user.pk == actor.pk:
        raise InvalidInput.field("user_id", "cannot be yourself")
    user.organization = organization
    user.active_product = ""
    user.save(update_fields=["organization", "active_product", "updated_at"])
    return organization

"""Organization rules, shared by the API, the admin and the management commands."""

from django.conf import settings
from django.db import transaction

from config.api.errors import Forbidden, InvalidInput
from config.api.permissions import has_role
from organizations.models import Organization

from .deletion import delete_owned_data
from .tree import is_within, subtree


def staff_organization():
    org, _ = Organization.objects.get_or_create(
        is_staff_organization=True,
        defaults={"name": settings.STAFF_ORGANIZATION_NAME, "company_name": settings.STAFF_ORGANIZATION_NAME},
    )
    return org


def visible_organization_ids(user):
    """The organizations whose records the user may see, for `__in` filters: None means every
    one (platform Admin); a Partner's is its subtree as one subquery (organizations/services/tree.py)."""
    if not user.is_authenticated or user.organization_id is None:
        return []
    if user.role == "Admin":
        return None
    if user.role == "Partner":
        return subtree(user.organization_id)
    return [user.organization_id]


def can_see_organization(user, organization_id):
    """The membership test matching `visible_organization_ids`, without loading the ids."""
    if not user.is_authenticated or user.organization_id is None or organization_id is None:
        return False
    if user.role == "Admin":
        return True
    if user.role == "Partner":
        return is_within(organization_id, user.organization_id)
    return organization_id == user.organization_id


def _check_parent(actor, parent):
    if parent is None:
        return
    if not can_see_organization(actor, parent.pk):
        raise InvalidInput.field("parent_organization", "was not found")
    if not parent.partner and not parent.is_staff_organization:
        raise InvalidInput.field("parent_organization", "is not a partner organization")


@transaction.atomic
def create_organization(actor, fields):
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
    return Organization.objects.create(parent=parent, **fields)


def _check_move(actor, organization, parent):
    """Partners move organizations within their own subtree; only staff move one to the top
    (no parent), and nobody moves their own organization or makes a cycle."""
    staff = actor is None or actor.role == "Admin"
    if not staff and not has_role(actor, "Partner"):
        raise InvalidInput.field("parent_organization", "can only be changed by partners and staff")
    if not staff and organization.pk == actor.organization_id:
        raise InvalidInput.field("parent_organization", "of your own organization is changed by platform staff")
    if parent is None:
        if not staff:
            raise InvalidInput.field("parent_organization", "can only be removed by platform staff")
        return
    if is_within(parent.pk, organization.pk):
        raise InvalidInput.field("parent_organization", "would create a cycle")
    _check_parent(actor, parent)


@transaction.atomic
def update_organization(actor, organization, fields):
    fields = dict(fields)
    fields.pop("skip_default_subscription", None)  # a creation option
    if "partner" in fields and fields["partner"] != organization.partner and actor.role != "Admin":
        raise InvalidInput.field("partner", "can only be changed by platform staff")
    if "parent" in fields and fields["parent"] != organization.parent:
        _check_move(actor, organization, fields["parent"])
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.save()
    return organization


def deletion_refusal(actor, organization):
    """Why the organization cannot be deleted, whoever asks (API or admin), as a phrase that
    follows its name; None when it can. Data of other organizations still pointing at its rows
    is found only while deleting (a Conflict from delete_owned_data)."""
    if actor is not None and organization.pk == actor.organization_id:
        return "is your own organization and cannot be deleted"
    if organization.is_staff_organization:
        return "is the platform staff organization and cannot be deleted"
    if organization.customers.exists():
        return "still has customer organizations; move or delete them first"
    return None


@transaction.atomic
def remove_organization(actor, organization):
    """Delete the organization, its users and every tenant-owned row, after the shared rules.
    The caller has authorized the actor: the API by role, the admin by Django's permissions."""
    refusal = deletion_refusal(actor, organization)
    if refusal:
        raise InvalidInput.field("id", refusal)
    delete_owned_data(organization)  # in a safe order; a Conflict if other rows still point in


@transaction.atomic
def delete_organization(actor, organization):
    if not has_role(actor, "Partner"):
        raise Forbidden("Only partners and platform staff can delete organizations")
    remove_organization(actor, organization)


@transaction.atomic
def move_user(actor, user, organization):
    """Move a user to another organization the actor can manage."""
    if not has_role(actor, "Partner"):
        raise Forbidden("Only partners and platform staff can move users between organizations")
    if user.pk == actor.pk:
        raise InvalidInput.field("user_id", "cannot be yourself")
    if not can_see_organization(actor, user.organization_id):
        raise InvalidInput.field("user_id", "was not found")
    if not can_see_organization(actor, getattr(organization, "pk", None)):
        raise InvalidInput.field("organization_id", "was not found")
    if organization.pk != user.organization_id and user.is_last_manager():
        raise InvalidInput.field("user_id", "cannot be changed: this is the organization's last Manager")
    user.organization = organization
    user.active_product = ""
    user.save(update_fields=["organization", "active_product", "updated_at"])
    return organization

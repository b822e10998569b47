"""User management rules, shared by the API, the admin and the commands."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from config.api.errors import Forbidden, InvalidInput, NotFound
from config.api.permissions import has_role, role_rank
from events.emit import emit

from .passwords import apply_new_password
from .tokens import revoke_other_sessions

TRANSFERABLE = []  # (model, user field) pairs registered by other apps: see register_transferable


def register_transferable(model, field="created_by"):
    """Apps register their user-owned models so transfer_resources moves them too."""
    TRANSFERABLE.append((model, field))


def check_assignable_role(actor, role):
    if role_rank(role) > role_rank(actor.role):
        raise InvalidInput.field("role", "cannot be above your own role")


def check_visible_organization(actor, organization, field="organization_id"):
    """The services check reach themselves (not only the API's scoped lookups), so the admin and
    the commands are held to it too: an organization the actor cannot see is "not found"."""
    from organizations.services import can_see_organization

    if actor is not None and not can_see_organization(actor, getattr(organization, "pk", None)):
        raise InvalidInput.field(field, "was not found")


def check_manageable(actor, user):
    """Managers manage their organization's users, partners also their customers', staff all.
    A user the actor cannot see is a 404, whoever calls (API, admin, command)."""
    from organizations.services import can_see_organization

    if not has_role(actor, "Manager"):
        raise Forbidden("Your role does not allow managing users")
    if not can_see_organization(actor, user.organization_id):
        raise NotFound("Record not found")
    if role_rank(user.role) > role_rank(actor.role):
        raise Forbidden("You cannot manage a user whose role is above yours")


def _check_organization_change(actor, user, organization):
    if organization is None or organization.pk == user.organization_id:
        return
    if not has_role(actor, "Partner"):
        raise InvalidInput.field("organization_id", "can only be changed by partners and platform staff")
    check_visible_organization(actor, organization)


def _set_password(user, password):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("Validation failed: password " + " ".join(exc.messages), {"password": list(exc.messages)}) from None
    user.set_password(password)


@transaction.atomic
def create_user(actor, fields, password=None):
    """A new user in the actor's organization unless `organization` is given. Without a
    password (given alone or among `fields`) the account is created unconfirmed and an
    invitation is sent."""
    if not has_role(actor, "Manager"):
        raise Forbidden("Your role does not allow managing users")
    fields = dict(fields)
    password = fields.pop("password", None) or password
    organization = fields.pop("organization", None) or actor.organization
    check_visible_organization(actor, organization)
    if organization.pk != actor.organization_id and not has_role(actor, "Partner"):
        raise InvalidInput.field("organization_id", "can only be set by partners and platform staff")
    check_assignable_role(actor, fields.get("role", Role.USER))
    user = User(organization=organization, **fields)
    if password:
        _set_password(user, password)
        user.confirmed = True
    else:
        user.set_unusable_password()
        user.invited_at = timezone.now()
    user.save()
    if not password:
        from accounts.services.invitations import send_invitation

        transaction.on_commit(lambda: send_invitation(user, invited_by=actor))
    return user


@transaction.atomic
def update_user(actor, user, fields, *, self_service=False):
    fields = dict(fields)
    if not self_service:
        check_manageable(actor, user)
    if "role" in fields and fields["role"] != user.role:
        if self_service:
            raise InvalidInput.field("role", "cannot be changed on your own account")
        check_assignable_role(actor, fields["role"])
        if user.role == Role.MANAGER:
            check_not_last_manager(user)
    if "organization" in fields:
        if self_service:
            fields.pop("organization")
        else:
            _check_organization_change(actor, user, fields["organization"])
            if fields["organization"] is not None and fields["organization"].pk != user.organization_id:
                check_not_last_manager(user, "organization_id")
                user.active_product = ""
    email_changed = (fields.get("email") or user.email).lower() != (user.email or "").lower()
    for name, value in fields.items():
        setattr(user, name, value)
    if email_changed and user.has_usable_password():
        user.confirmed = False  # the new address is confirmed by the link mailed to it
    user.save()
    if email_changed:
        from accounts.services.confirmation import address_changed

        transaction.on_commit(lambda: address_changed(user, actor))
    return user


def deletion_blockers(user, actor=None, leaving=None):
    """Why `user` cannot be deleted (empty when it can). `leaving`: every user deleted with it (a
    bulk delete must not remove an organization's Managers all at once)."""
    reasons = []
    if actor is not None and actor.pk == user.pk:
        reasons.append("You cannot delete your own account here; use DELETE /v2/user/me")
    if user.organization_id in managerless_organizations(leaving or [user]):
        reasons.append("The user is the last Manager of an organization that has other members")
    if user.role == Role.ADMIN and not User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists():
        reasons.append("The user is the last platform Admin")
    return reasons


def managerless_organizations(leaving):
    """The organizations that would keep members but no Manager once the `leaving` users are gone
    (deleted, moved away or demoted), whoever asks: Admins included."""
    leaving_ids = {user.pk for user in leaving}
    organizations = {user.organization_id for user in leaving if user.role == Role.MANAGER and user.organization_id}
    result = set()
    for organization_id in organizations:
        rest = User.objects.filter(organization_id=organization_id).exclude(pk__in=leaving_ids)
        if rest.exists() and not rest.filter(role=Role.MANAGER).exists():
            result.add(organization_id)
    return result


def check_not_last_manager(user, field="role"):
    if user.is_last_manager():
        raise InvalidInput.field(field, "cannot be changed: this is the organization's last Manager")


@transaction.atomic
def delete_users(actor, users):
    """Delete several users, all or none: any blocked one is a 422 naming it."""
    blocked = {}
    for user in users:
        check_manageable(actor, user)
        reasons = deletion_blockers(user, actor, leaving=users)
        if reasons:
            blocked[str(user.pk)] = reasons
    if blocked:
        raise InvalidInput("Validation failed: " + "; ".join(f"{k}: {v[0]}" for k, v in blocked.items()), blocked)
    User.objects.filter(pk__in=[u.pk for u in users]).delete()


@transaction.atomic
def delete_own_account(user):
    reasons = deletion_blockers(user)
    if reasons:
        raise InvalidInput("Validation failed: " + reasons[0], {"base": reasons})
    user.delete()


@transaction.atomic
def change_password(user, current_password, password, password_confirmation, keep_session=None):
    if not isinstance(current_password, str) or not user.check_password(current_password):
        raise InvalidInput.field("current_password", "is not correct")
    apply_new_password(user, password, password_confirmation)  # present, confirmed, validators
    user.access_token_hash = None
    user.access_token_created_at = None
    user.save(update_fields=["password", "access_token_hash", "access_token_created_at", "updated_at"])
    revoke_other_sessions(user, keep=keep_session)
    transaction.on_commit(lambda: emit("password_changed", user, actor=user, organization=user.organization))


@transaction.atomic
def transfer_resources(actor, from_user, to_user):
    """(Admin) hand every resource of one user to another of the same organization."""
    if actor.role != Role.ADMIN:
        raise Forbidden("Only platform Admins can transfer resources")
    if from_user.pk == to_user.pk:
        raise InvalidInput.field("to_user_id", "must differ from from_user_id")
    if from_user.organization_id != to_user.organization_id:
        raise InvalidInput.field("to_user_id", "must belong to the same organization as from_user_id")
    moved = {}
    for model, field in TRANSFERABLE:
        count = model.objects.filter(**{field: from_user}).update(**{field: to_user})
        moved[model._meta.verbose_name_plural.replace(" ", "_")] = count
    return moved

"""Invitations: a user created without a password gets an e-mail with a single-use, expiring
link; accepting it sets the password (and names) and confirms the account."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import TokenPurpose, User
from config.api.errors import Conflict, InvalidInput
from config.api.timestamps import iso_timestamp
from events.emit import emit

from . import one_time_tokens
from .emails import lifetime, link, send_account_email
from .passwords import apply_new_password

INVALID = "is invalid, expired or already used"


def send_invitation(user, invited_by=None):
    """Mail a fresh invitation link (earlier links stop working). False without an address."""
    if not user.email:
        return False
    raw = one_time_tokens.issue(user, TokenPurpose.INVITATION, settings.INVITATION_TOKEN_TTL)
    send_account_email(
        user, "invitation", f"You have been invited to {user.organization.name}",
        invited_by=invited_by, token=raw, link=link("INVITATION_URL", raw),
        valid_for=lifetime(settings.INVITATION_TOKEN_TTL),
    )
    User.objects.filter(pk=user.pk).update(invited_at=timezone.now())
    emit("invitation_sent", user, actor=invited_by, organization=user.organization)
    return True


def resend_invitation(actor, user):
    """POST /v2/users/{id}/invite and the admin action: only for users who have not accepted."""
    if user.has_usable_password():
        raise Conflict("The user has already accepted the invitation (they have a password)")
    if not user.is_active:
        raise Conflict("The user is deactivated")
    if not user.email:
        raise InvalidInput.field("email", "is required to send an invitation")
    send_invitation(user, invited_by=actor)
    user.refresh_from_db(fields=["invited_at"])
    return user


def describe(raw):
    """GET /auth/invitation: the pre-accept check."""
    token = one_time_tokens.find_live(raw, TokenPurpose.INVITATION)
    if token is None or token.user.has_usable_password():
        return {"valid": False}
    user = token.user
    return {
        "valid": True, "username": user.username, "email": user.email,
        "first_name": user.first_name, "last_name": user.last_name,
        "organization_name": user.organization.name if user.organization else None,
        "expires_at": iso_timestamp(token.expires_at),
    }


@transaction.atomic
def accept(raw, password, password_confirmation, first_name=None, last_name=None):
    token = one_time_tokens.find_live(raw, TokenPurpose.INVITATION)
    if token is None or token.user.has_usable_password():
        raise InvalidInput.field("invitation_token", INVALID)
    user = token.user
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None:
            if not isinstance(value, str) or len(value) > 150:
                raise InvalidInput.field(name, "must be a string of at most 150 characters")
            setattr(user, name, value.strip())
    apply_new_password(user, password, password_confirmation)
    if not one_time_tokens.consume(token):
        raise InvalidInput.field("invitation_token", INVALID)
    user.confirmed = True
    user.save(update_fields=["password", "confirmed", "first_name", "last_name", "updated_at"])
    transaction.on_commit(lambda: emit("invitation_accepted", user, actor=user, organization=user.organization))
    return user

"""Confirming a user's e-mail address: a single-use, expiring link is mailed to the address;
following it confirms the account (and sets a password when the user has none)."""

from django.conf import settings
from django.db import transaction

from accounts.models import TokenPurpose
from config.api.errors import InvalidInput
from config.api.timestamps import iso_timestamp
from events.emit import emit

from . import one_time_tokens
from .emails import lifetime, link, send_account_email
from .passwords import apply_new_password

INVALID = "is invalid, expired or already used"


def send_confirmation(user, *, force=False):
    """Mail a confirmation link. Returns False when there is nothing to send (no address) or a
    link went out moments ago (unless `force`)."""
    if not user.email:
        return False
    if not force and one_time_tokens.recently_issued(user, TokenPurpose.CONFIRMATION, settings.IDENTITY_EMAIL_COOLDOWN):
        return False
    raw = one_time_tokens.issue(user, TokenPurpose.CONFIRMATION, settings.CONFIRMATION_TOKEN_TTL, email=user.email)
    send_account_email(
        user, "confirmation", "Confirm your {product} account",
        token=raw, link=link("CONFIRMATION_URL", raw), valid_for=lifetime(settings.CONFIRMATION_TOKEN_TTL),
    )
    return True


def address_changed(user, actor=None):
    """After an e-mail change: a confirmation link to the new address, or, for a user who has
    not accepted an invitation yet, the invitation again (the old link went to the old address)."""
    if user.has_usable_password():
        return send_confirmation(user, force=True)
    from .invitations import send_invitation

    return send_invitation(user, invited_by=actor)


def _live(raw):
    token = one_time_tokens.find_live(raw, TokenPurpose.CONFIRMATION)
    # A link confirms the address it was sent to, not one the user switched to since.
    if token is not None and token.data.get("email", "").lower() != token.user.email.lower():
        return None
    return token


def describe(raw):
    """GET /auth/confirmation: who the token is for and whether it still works."""
    token = _live(raw)
    if token is None:
        return {"valid": False}
    user = token.user
    return {
        "valid": True, "username": user.username, "email": user.email, "confirmed": user.confirmed,
        "password_required": not user.has_usable_password(), "expires_at": iso_timestamp(token.expires_at),
    }


@transaction.atomic
def confirm(raw, password=None, password_confirmation=None):
    token = _live(raw)
    if token is None:
        raise InvalidInput.field("confirmation_token", INVALID)
    user = token.user
    fields = ["confirmed", "updated_at"]
    if not user.has_usable_password():
        apply_new_password(user, password, password_confirmation, confirmation_required=False)
        fields.append("password")
    if not one_time_tokens.consume(token):
        raise InvalidInput.field("confirmation_token", INVALID)
    user.confirmed = True
    user.save(update_fields=fields)
    transaction.on_commit(lambda: emit("user_confirmed", user, actor=user, organization=user.organization))
    return user

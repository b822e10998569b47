"""Forgotten passwords: a single-use, expiring reset link by e-mail. Asking never reveals
whether an address belongs to an account; resetting signs every session out."""

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower

from accounts.models import TokenPurpose, User
from config.api.errors import InvalidInput
from events.emit import emit

from . import one_time_tokens
from .emails import lifetime, link, send_account_email
from .passwords import apply_new_password
from .sign_in import clear_failures
from .tokens import revoke_other_sessions

INVALID = "is invalid, expired or already used"


def user_for_address(email):
    """The active user with this e-mail address (case-insensitive), else None."""
    if not isinstance(email, str) or "@" not in email:
        return None
    return (
        User.objects.select_related("organization").annotate(e=Lower("email"))
        .filter(e=email.strip().lower(), is_active=True).first()
    )


def request_reset(email):
    """POST /auth/password. Same answer and no error whether or not the address is known."""
    user = user_for_address(email)
    if user is None or one_time_tokens.recently_issued(
        user, TokenPurpose.PASSWORD_RESET, settings.IDENTITY_EMAIL_COOLDOWN,
    ):
        return False
    raw = one_time_tokens.issue(user, TokenPurpose.PASSWORD_RESET, settings.PASSWORD_RESET_TOKEN_TTL)
    send_account_email(
        user, "password_reset", "Reset your {product} password",
        token=raw, link=link("PASSWORD_RESET_URL", raw), valid_for=lifetime(settings.PASSWORD_RESET_TOKEN_TTL),
    )
    return True


@transaction.atomic
def reset_password(raw, password, password_confirmation):
    """PUT /auth/password: set the new password, spend the token, sign every session out,
    revoke the access token and lift a sign-in lockout."""
    token = one_time_tokens.find_live(raw, TokenPurpose.PASSWORD_RESET)
    if token is None:
        raise InvalidInput.field("reset_password_token", INVALID)
    user = token.user
    apply_new_password(user, password, password_confirmation)
    if not one_time_tokens.consume(token):
        raise InvalidInput.field("reset_password_token", INVALID)
    # Following the mailed link proves the address, so an invited user is confirmed too.
    user.confirmed = True
    user.access_token_hash = None
    user.access_token_created_at = None
    user.save(update_fields=["password", "confirmed", "access_token_hash", "access_token_created_at", "updated_at"])
    revoke_other_sessions(user)
    clear_failures(user)
    transaction.on_commit(lambda: emit("password_reset", user, actor=user, organization=user.organization))
    return user

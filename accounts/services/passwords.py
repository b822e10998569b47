"""The one password rule for every path that sets a password (invitation, confirmation, reset):
present, confirmed when a confirmation is asked for, and passing AUTH_PASSWORD_VALIDATORS."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from config.api.errors import InvalidInput


def apply_new_password(user, password, confirmation=None, *, confirmation_required=True):
    """Validate and set (not save) the password; 422 naming `password` or
    `password_confirmation`."""
    if not isinstance(password, str) or not password:
        raise InvalidInput.field("password", "is required")
    if confirmation_required or confirmation not in (None, ""):
        if not isinstance(confirmation, str) or not confirmation:
            raise InvalidInput.field("password_confirmation", "is required")
        if confirmation != password:
            raise InvalidInput.field("password_confirmation", "does not match password")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            "Validation failed: password " + " ".join(exc.messages), {"password": list(exc.messages)},
        ) from None
    user.set_password(password)

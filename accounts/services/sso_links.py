"""SSO link login: a one-time sign-in link by e-mail, consumed once, expiring. It replaces the
password, not the second factor: a user with 2FA still gets the `otp_required` answer."""

from django.conf import settings
from django.db import transaction

from accounts.models import TokenPurpose
from config.api.errors import Unauthorized

from . import one_time_tokens
from .emails import lifetime, link, send_account_email
from .password_reset import user_for_address
from .sign_in import check_user_throttle

INVALID = "The sign-in link is invalid, expired or already used"


def request_link(email):
    """POST /auth/sso_link: always the same answer, whether or not the address is known."""
    user = user_for_address(email)
    if user is None or one_time_tokens.recently_issued(user, TokenPurpose.SSO_LINK, settings.IDENTITY_EMAIL_COOLDOWN):
        return False
    raw = one_time_tokens.issue(user, TokenPurpose.SSO_LINK, settings.SSO_LINK_TTL)
    send_account_email(
        user, "sso_link", "Your {product} sign-in link",
        token=raw, link=link("SSO_LINK_URL", raw), valid_for=lifetime(settings.SSO_LINK_TTL),
    )
    return True


@transaction.atomic
def consume_link(raw, ip, check=None):
    """The user the link signs in (the link is spent), else 401. A locked account stays
    locked (429) and keeps its link; so does one that `check(user)` refuses (it raises)."""
    token = one_time_tokens.find_live(raw, TokenPurpose.SSO_LINK)
    if token is None:
        raise Unauthorized(INVALID)
    user = token.user
    check_user_throttle(user, ip)
    if check is not None:
        check(user)
    if not one_time_tokens.consume(token):
        raise Unauthorized(INVALID)
    if not user.confirmed:
        # Receiving the link proves the address.
        user.confirmed = True
        user.save(update_fields=["confirmed", "updated_at"])
    return user

"""Impersonation: staff (any user) and partners (users of their customer organizations) get a
session token acting as the user. The token is a normal session token with `impersonator` set,
so every request made with it is marked as impersonated; it cannot start another impersonation
nor change the user's password, 2FA or access token."""

from django.conf import settings

from accounts.models import User
from config.api.errors import Conflict, Forbidden, InvalidInput
from config.api.permissions import role_rank
from config.api.timestamps import iso_timestamp
from events.emit import emit

from .sign_in import sign_in_body
from .tokens import issue_session_token, revoke_session


def impersonator_of(credentials):
    """The impersonating user's id for the request's credentials, else None."""
    return getattr(credentials, "impersonator_id", None)


def forbid_while_impersonating(credentials, what="this"):
    if impersonator_of(credentials):
        raise Forbidden(f"An impersonation token cannot be used to {what}")


def check_can_impersonate(actor, target):
    """Admins: any other active user. Partners: users of the organizations below their own.
    Everyone else: no. (Organizations the actor cannot see are a 404 before this.)"""
    if actor.pk == target.pk:
        raise InvalidInput.field("id", "is your own account; you cannot impersonate yourself")
    if actor.role == "Admin":
        pass
    elif actor.role == "Partner":
        from organizations.services.tree import is_within

        below = target.organization_id != actor.organization_id
        if not below or not is_within(target.organization_id, actor.organization_id):
            raise Forbidden("Partners can impersonate users of their customer organizations only")
        if role_rank(target.role) > role_rank(actor.role):
            raise Forbidden("You cannot impersonate a user whose role is above yours")
    else:
        raise Forbidden("Only Admins and Partners can impersonate users")
    if not target.is_active:
        raise Conflict("The user is deactivated")


def start(actor, target, credentials, *, ip=None, user_agent=""):
    """The sign-in body of `target` with a short-lived impersonation token."""
    forbid_while_impersonating(credentials, "impersonate another user")
    check_can_impersonate(actor, target)
    token, session = issue_session_token(
        target, ip=ip or None, user_agent=user_agent, impersonator=actor, ttl=settings.IMPERSONATION_TTL,
    )
    emit("impersonate", target, actor=actor, organization=target.organization, impersonator=actor)
    return {
        **sign_in_body(target, token),
        "impersonator": {"id": str(actor.pk), "username": actor.username},
        "expires_at": iso_timestamp(session.expires_at),
    }


def stop(credentials, *, ip=None, user_agent=""):
    """Revoke the impersonation token and return a fresh token of the original user."""
    session = getattr(credentials, "session", None)
    if session is None or session.impersonator_id is None:
        raise Conflict("This request is not made with an impersonation token")
    original = User.objects.select_related("organization").filter(pk=session.impersonator_id, is_active=True).first()
    revoke_session(session)
    if original is None:
        raise Forbidden("The impersonating account is no longer active")
    token, _session = issue_session_token(original, ip=ip or None, user_agent=user_agent)
    emit("stop_impersonation", session.user, actor=original, organization=session.user.organization,
         impersonator=original)
    return sign_in_body(original, token)

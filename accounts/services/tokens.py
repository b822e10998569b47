"""JWT session tokens (with `jti`, expiry and server-side revocation) and access tokens."""

import time
import uuid

import jwt
from django.conf import settings
from django.utils import timezone

from accounts.models import SessionToken, User

from .secrets import keyed_hash, new_secret

ALGORITHM = "HS256"


def issue_session_token(user, *, ip=None, user_agent="", impersonator=None, ttl=None):
    now = timezone.now()
    session = SessionToken.objects.create(
        user=user, impersonator=impersonator, expires_at=now + (ttl or settings.JWT_TTL),
        ip=ip, user_agent=(user_agent or "")[:255],
    )
    claims = {"sub": str(user.pk), "jti": str(session.jti), "iat": int(now.timestamp()),
              "exp": int(session.expires_at.timestamp())}
    if impersonator is not None:
        claims["imp"] = str(impersonator.pk)
    return jwt.encode(claims, settings.JWT_SECRET, algorithm=ALGORITHM), session


def token_claims(token):
    """(jti, sub) of a bearer token whose signature and expiry hold, or None. Whether its session
    is still live is a database question (`session_for_token`, `credentials`)."""
    verified = _verified(token, settings.JWT_SECRET)
    if verified is None or verified[2] <= time.time():
        return None
    return verified[:2]


_VERIFIED = {}  # (token, secret) -> (jti, sub, exp), for tokens whose signature held
_VERIFIED_MAX = 4096


def _verified(token, secret):
    """(jti, sub, exp) of a token whose signature holds under `secret`, else None. A client sends
    the same token with every request: it is decoded once per process (its expiry is checked on
    every request by the caller, revocation by the database). Refusals are not remembered."""
    verified = _VERIFIED.get((token, secret))
    if verified is not None:
        return verified
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "jti", "sub"]})
        verified = uuid.UUID(claims["jti"]), str(claims["sub"]), float(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError, AttributeError):
        return None
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[token, secret] = verified
    return verified


def session_is_usable(session, sub):
    """The session (with its user) found for a token's `jti` belongs to the token's subject, and
    that user may still sign in."""
    return session is not None and str(session.user_id) == sub and session.user.is_active


def session_for_token(token):
    """The live SessionToken (with its user) of a bearer token, or None."""
    claims = token_claims(token)
    if claims is None:
        return None
    jti, sub = claims
    try:
        # get(), not first(): a primary-key lookup needs no ORDER BY, which is costly to compile.
        session = SessionToken.objects.select_related("user").get(
            jti=jti, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
    except SessionToken.DoesNotExist:
        return None
    return session if session_is_usable(session, sub) else None


def revoke_session(session):
    SessionToken.objects.filter(pk=session.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_other_sessions(user, keep=None):
    qs = SessionToken.objects.filter(user=user, revoked_at__isnull=True)
    if keep is not None:
        qs = qs.exclude(pk=keep.pk)
    return qs.update(revoked_at=timezone.now())


def generate_access_token(user):
    """A new long-lived access token; the previous one stops working. Returned once."""
    token = new_secret("cgat")
    user.access_token_hash = keyed_hash(token)
    user.access_token_created_at = timezone.now()
    user.save(update_fields=["access_token_hash", "access_token_created_at", "updated_at"])
    return token


def revoke_access_token(user):
    had_token = user.access_token_hash is not None
    user.access_token_hash = None
    user.access_token_created_at = None
    user.save(update_fields=["access_token_hash", "access_token_created_at", "updated_at"])
    return had_token


def user_for_access_token(token):
    if not token:
        return None
    return (
        User.objects.select_related("organization")
        .filter(access_token_hash=keyed_hash(token), is_active=True)
        .first()
    )

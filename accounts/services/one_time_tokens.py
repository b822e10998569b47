"""Single-use, expiring tokens (e-mailed links, the sign-in `otp_session_state`), stored as a
keyed hash. Issuing a new token of a purpose retires the user's earlier unused ones."""

import secrets
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import OneTimeToken

from .secrets import keyed_hash


def issue(user, purpose, ttl, *, replace=True, **data):
    """Returns the raw token (shown or sent once; only its hash is kept). `replace` retires the
    user's other unused tokens of the purpose; expired ones are always cleared away."""
    now = timezone.now()
    stale = OneTimeToken.objects.filter(user=user, purpose=purpose)
    if replace:
        stale.filter(used_at__isnull=True).delete()
    stale.filter(expires_at__lte=now).delete()
    raw = secrets.token_urlsafe(32)
    OneTimeToken.objects.create(
        user=user, purpose=purpose, token_hash=keyed_hash(f"{purpose}:{raw}"), expires_at=now + ttl, data=data,
    )
    return raw


def find_live(raw, purpose, max_attempts=None):
    """The unexpired, unused token (with its user) for `raw`, else None."""
    if not raw or not isinstance(raw, str) or len(raw) > 200:
        return None
    token = (
        OneTimeToken.objects.select_related("user", "user__organization")
        .filter(purpose=purpose, token_hash=keyed_hash(f"{purpose}:{raw}"), used_at__isnull=True,
                expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if max_attempts is not None and token.attempts >= max_attempts:
        return None
    return token


def consume(token):
    """Mark it used; False when another request spent it first (single use under races)."""
    return OneTimeToken.objects.filter(pk=token.pk, used_at__isnull=True).update(used_at=timezone.now()) == 1


def count_attempt(token):
    OneTimeToken.objects.filter(pk=token.pk).update(attempts=F("attempts") + 1)
    token.attempts += 1


def recently_issued(user, purpose, seconds):
    """An unused token of this purpose was issued less than `seconds` ago (mail-flood guard)."""
    since = timezone.now() - timedelta(seconds=seconds)
    return OneTimeToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True, created_at__gt=since).exists()


"""Opaque credentials (API keys, access tokens): random, shown once, stored as a keyed hash."""

import hashlib
import hmac
import secrets

from django.conf import settings


def keyed_hash(secret):
    key = getattr(settings, "TOKEN_HASH_KEY", None) or settings.SECRET_KEY
    return hmac.new(key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def new_secret(prefix):
    return f"{prefix}_{secrets.token_urlsafe(32)}"

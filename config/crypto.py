"""Encryption at rest for secrets the server must read back (webhook signing secrets, TOTP seeds).

Keys come from the setting FIELD_ENCRYPTION_KEY: a list (or comma-separated text) of keys; the
first encrypts, every one decrypts, so keys can be rotated. A Fernet key (44 url-safe base64
characters) is used as is; any other text is stretched into one with SHA-256. With no key
configured, one is derived from SECRET_KEY. The derivation is the same as
config.crypto, so values written by either helper read back with the other."""

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed


class DecryptionError(Exception):
    """The value was encrypted with a key that is no longer configured (or is not a token)."""


def _fernet_key(text):
    try:
        if len(base64.urlsafe_b64decode(text.encode())) == 32:
            return text.encode()
    except (binascii.Error, ValueError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(b"cg-field-encryption:" + text.encode()).digest())


def _configured_keys():
    keys = getattr(settings, "FIELD_ENCRYPTION_KEY", None) or []
    if isinstance(keys, str):
        keys = keys.split(",")
    return [key.strip() for key in keys if key and key.strip()] or [settings.SECRET_KEY]


@lru_cache(maxsize=1)
def _cipher():
    return MultiFernet([Fernet(_fernet_key(key)) for key in _configured_keys()])


def _reset(setting, **kwargs):
    if setting in ("FIELD_ENCRYPTION_KEY", "SECRET_KEY"):
        _cipher.cache_clear()


setting_changed.connect(_reset)


def encrypt(text):
    """The Fernet token (text) of `text`."""
    return _cipher().encrypt(text.encode()).decode()


def decrypt(token):
    """The text of a token made by `encrypt`; DecryptionError when no configured key opens it."""
    try:
        return _cipher().decrypt(token.encode()).decode()
    except (InvalidToken, AttributeError):
        raise DecryptionError(
            "cannot decrypt: FIELD_ENCRYPTION_KEY does not hold the key this value was encrypted with"
        ) from None

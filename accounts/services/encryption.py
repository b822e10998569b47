"""Encryption at rest for secrets the server must read back (TOTP seeds). Keys come from
FIELD_ENCRYPTION_KEY (several, comma-separated, for rotation: the first encrypts, every one
decrypts); by default one key is derived from SECRET_KEY."""

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed


def _fernet_key(text):
    """A Fernet key used as is, or any other text stretched into one (SHA-256)."""
    try:
        if len(base64.urlsafe_b64decode(text.encode())) == 32:
            return text.encode()
    except (binascii.Error, ValueError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(b"cg-field-encryption:" + text.encode()).digest())


@lru_cache(maxsize=1)
def _cipher():
    keys = getattr(settings, "FIELD_ENCRYPTION_KEY", None) or []
    keys = [k.strip() for k in (keys.split(",") if isinstance(keys, str) else keys) if k.strip()]
    if not keys:
        keys = [settings.SECRET_KEY]
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def _reset(setting, **kwargs):
    if setting in ("FIELD_ENCRYPTION_KEY", "SECRET_KEY"):
        _cipher.cache_clear()


setting_changed.connect(_reset)


class DecryptionError(Exception):
    """The value was encrypted with a key that is no longer configured."""


def encrypt(plaintext):
    return _cipher().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext):
    try:
        return _cipher().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise DecryptionError("cannot decrypt: FIELD_ENCRYPTION_KEY does not hold the key it was encrypted with") from None

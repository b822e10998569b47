"""Encryption at rest of TOTP secrets: keys from FIELD_ENCRYPTION_KEY (or SECRET_KEY), rotation."""

import pytest
from cryptography.fernet import Fernet

from config.crypto import DecryptionError, decrypt, encrypt


def test_round_trip_with_the_default_key(settings):
    settings.FIELD_ENCRYPTION_KEY = []
    token = encrypt("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in token and decrypt(token) == "JBSWY3DPEHPK3PXP"


def test_a_fernet_key_is_used_as_is(settings):
    key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [key]
    assert Fernet(key.encode()).decrypt(encrypt("seed").encode()) == b"seed"


def test_rotation_keeps_old_values_readable(settings):
    settings.FIELD_ENCRYPTION_KEY = ["old passphrase"]
    old = encrypt("seed")
    settings.FIELD_ENCRYPTION_KEY = ["new passphrase", "old passphrase"]
    assert decrypt(old) == "seed"
    settings.FIELD_ENCRYPTION_KEY = "new passphrase"  # a single string works too
    with pytest.raises(DecryptionError):
        decrypt(old)


def test_a_changed_secret_key_without_a_field_key_cannot_read_old_values(settings):
    settings.FIELD_ENCRYPTION_KEY = []
    old = encrypt("seed")
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    with pytest.raises(DecryptionError):
        decrypt(old)

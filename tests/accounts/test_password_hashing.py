"""The product's password hasher (accounts/hashers.py): argon2id with OWASP's parameters, and
hashes made before it (Django's Argon2 defaults, PBKDF2) still sign in and are upgraded then.
The test settings hash with MD5 for speed: these tests put the product's hashers back."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, identify_hasher, make_password

from accounts.models import User
from config import settings as product_settings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
OWASP_PARAMETERS = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture(autouse=True)
def product_hashers(settings):
    settings.PASSWORD_HASHERS = product_settings.PASSWORD_HASHERS


def stored_hash(user):
    return User.objects.values_list("password", flat=True).get(pk=user.pk)


def sign_in(api, password=PASSWORD):
    return api.post("/auth/sign_in", {"username": "manager", "password": password})


def test_new_passwords_are_hashed_with_owasp_argon2id_parameters():
    encoded = make_password(PASSWORD)
    assert encoded.startswith(OWASP_PARAMETERS)
    assert identify_hasher(encoded).verify(PASSWORD, encoded)
    assert not identify_hasher(encoded).verify("wrong-horse-battery", encoded)


def test_sign_in_with_a_password_set_now(api, world):
    world.manager.set_password(PASSWORD)
    world.manager.save(update_fields=["password"])
    assert stored_hash(world.manager).startswith(OWASP_PARAMETERS)
    assert sign_in(api).status_code == 200 and sign_in(api).json()["token"]


@pytest.mark.parametrize("old_hasher", [Argon2PasswordHasher, PBKDF2PasswordHasher])
def test_an_older_hash_signs_in_and_is_upgraded(api, world, old_hasher):
    hasher = old_hasher()
    old = hasher.encode(PASSWORD, hasher.salt())
    User.objects.filter(pk=world.manager.pk).update(password=old)
    if old_hasher is Argon2PasswordHasher:
        assert "$m=102400,t=2,p=8$" in old  # Django's defaults, as stored before this hasher

    assert sign_in(api, "wrong-horse-battery").status_code == 401
    assert stored_hash(world.manager) == old  # a wrong password changes nothing

    response = sign_in(api)
    assert response.status_code == 200 and response.json()["token"]
    upgraded = stored_hash(world.manager)
    assert upgraded.startswith(OWASP_PARAMETERS)
    assert sign_in(api).status_code == 200  # and the upgraded hash signs in
    assert stored_hash(world.manager) == upgraded  # once upgraded, never hashed again

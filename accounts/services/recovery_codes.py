"""Recovery codes: ten single-use codes shown once when two-factor is turned on (or
regenerated), stored as keyed hashes."""

import re
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import RecoveryCode

from .secrets import keyed_hash

COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


def _normalize(code):
    return re.sub(r"[\s\-]", "", str(code or "")).lower()


def _hash(user, code):
    return keyed_hash(f"recovery:{user.pk}:{_normalize(code)}")


def _new_code():
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


@transaction.atomic
def regenerate(user):
    """A fresh set; the previous codes stop working. Returns the plain codes (shown once)."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_code() for _ in range(COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(user, code)) for code in codes])
    return codes


def use(user, code):
    """True when `code` is one of the user's unused codes; it is spent at once."""
    if not _normalize(code) or len(_normalize(code)) > 40:
        return False
    return RecoveryCode.objects.filter(
        user=user, code_hash=_hash(user, code), used_at__isnull=True,
    ).update(used_at=timezone.now()) == 1


def remaining(user):
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def delete_all(user):
    RecoveryCode.objects.filter(user=user).delete()

"""Staff locking and unlocking of accounts (the admin's actions). A locked account cannot sign
in (429 until unlocked) and its sessions and access token stop working at once."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from events.emit import emit

from .sign_in import clear_failures
from .tokens import revoke_other_sessions

LOCK_DURATION = timedelta(days=365 * 100)  # until a staff member unlocks


@transaction.atomic
def lock(user, actor):
    user.locked_until = timezone.now() + LOCK_DURATION
    user.access_token_hash = None
    user.access_token_created_at = None
    user.save(update_fields=["locked_until", "access_token_hash", "access_token_created_at", "updated_at"])
    revoke_other_sessions(user)
    transaction.on_commit(lambda: emit("lock", user, actor=actor, organization=user.organization))


@transaction.atomic
def unlock(user, actor):
    clear_failures(user)
    transaction.on_commit(lambda: emit("unlock", user, actor=actor, organization=user.organization))

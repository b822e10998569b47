"""Failed sign-in counters in the database, shared by every process, thread and cache setting.

An attempt is counted *before* the password is verified (`take`), atomically: the increment is one
UPDATE that holds the row until its transaction ends, so N parallel requests read N different
counts and at most `limit` of them get to verify a password. A successful attempt gives its place
back (`give_back`); a failed one keeps it and, at the limit, locks the counter (`lock_if_reached`).
Known and unknown login names go through exactly the same steps, so the answers (401, then 429
with the same Retry-After) never say whether an account exists."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import SignInFailureCounter


@dataclass(frozen=True)
class Limit:
    kind: str  # "login" (a username or e-mail as typed) or "ip"
    value: str
    limit: int
    window: timedelta  # failures older than this are forgotten
    lock_for: timedelta  # how long the counter refuses once `limit` failures are reached

    @property
    def key(self):
        digest = hashlib.sha256(str(self.value).strip().lower().encode()).hexdigest()[:40]
        return f"{self.kind}:{digest}"


def take(limit, now=None):
    """Count one attempt. Returns None when it may proceed, else the time the lock ends."""
    now = now or timezone.now()
    with transaction.atomic():
        if not SignInFailureCounter.objects.filter(pk=limit.key).update(count=F("count") + 1):
            _create(limit, now)
        row = SignInFailureCounter.objects.get(pk=limit.key)  # our own row lock is held
        if row.locked_until and row.locked_until > now:
            return row.locked_until
        if row.window_ends_at <= now or row.locked_until:  # a forgotten window or a lock that ended
            row.count, row.window_ends_at, row.locked_until = 1, now + limit.window, None
        if row.count > limit.limit:  # parallel attempts beyond the limit: refused, and locked
            row.locked_until = now + limit.lock_for
        row.save()
        return row.locked_until


def _create(limit, now):
    try:
        with transaction.atomic():
            SignInFailureCounter.objects.create(key=limit.key, count=1, window_ends_at=now + limit.window)
    except IntegrityError:  # created by a parallel attempt meanwhile: count on that row
        SignInFailureCounter.objects.filter(pk=limit.key).update(count=F("count") + 1)
    else:
        # Forget stale counters now and then (one indexed delete when a new name appears).
        SignInFailureCounter.objects.filter(window_ends_at__lt=now - limit.window - limit.lock_for,
                                            locked_until__isnull=True).delete()


def give_back(limit):
    """A successful attempt does not count as a failure."""
    SignInFailureCounter.objects.filter(pk=limit.key, count__gt=0).update(count=F("count") - 1)


def lock_if_reached(limit, now=None):
    """After a failure: lock the counter once it holds `limit` failures. Returns the lock's end
    (None while under the limit)."""
    now = now or timezone.now()
    until = now + limit.lock_for
    SignInFailureCounter.objects.filter(pk=limit.key, count__gte=limit.limit, locked_until__isnull=True).update(
        locked_until=until, count=0,
    )
    return SignInFailureCounter.objects.filter(pk=limit.key).values_list("locked_until", flat=True).first()


def current_lock(limit, now=None):
    """The end of the counter's lock, or None: a check that counts nothing."""
    now = now or timezone.now()
    return SignInFailureCounter.objects.filter(pk=limit.key, locked_until__gt=now).values_list(
        "locked_until", flat=True).first()


def forget(*limits):
    SignInFailureCounter.objects.filter(pk__in=[limit.key for limit in limits]).delete()

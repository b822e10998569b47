"""Password sign-in with throttling per login name and per client address, and lockout.

Every attempt is counted in the database before anything is verified (failure_counters.py), in
this order: the client address, the login name, the account's own lock, the API key (a key the
user's requests may not carry is refused before the password is looked at, so it tells nothing
about the password), then the password. Unknown names take the same steps and the same time."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from config.api.errors import TooManyRequests, Unauthorized
from events.emit import emit

from . import failure_counters as counters
from .api_keys import key_covers_user
from .tokens import issue_session_token

INVALID = "Invalid username or password"
LOCKED = "Too many failed sign-in attempts; try again later"
ADDRESS_LOCKED = "Too many failed sign-in attempts from this address"


def login_limit(login):
    window = timedelta(seconds=settings.SIGN_IN_FAILURE_WINDOW)
    return counters.Limit("login", login or "", settings.SIGN_IN_MAX_FAILURES, window, settings.SIGN_IN_LOCKOUT)


def address_limit(ip):
    window = timedelta(seconds=settings.SIGN_IN_FAILURE_WINDOW)
    return counters.Limit("ip", ip or "", settings.SIGN_IN_IP_MAX_FAILURES, window, window)


@dataclass
class Attempt:
    """One counted sign-in attempt (a password, a second factor or a recovery code)."""

    login: str
    ip: str

    def __post_init__(self):
        self.limits = (address_limit(self.ip), login_limit(self.login))

    def start(self):
        """Count the attempt; 429 (the same for every name) when a counter is locked."""
        now = timezone.now()
        for limit, message in zip(self.limits, (ADDRESS_LOCKED, LOCKED), strict=True):
            until = counters.take(limit, now)
            if until is not None:
                raise TooManyRequests(message, (until - now).total_seconds())
        return self

    def succeeded(self):
        for limit in self.limits:
            counters.give_back(limit)

    def failed(self, user):
        """The attempt stays counted; at the limit the name (and the account) is locked."""
        now = timezone.now()
        counters.lock_if_reached(self.limits[0], now)
        until = counters.lock_if_reached(self.limits[1], now)
        if user is not None:
            _count_failure(user, until)


def find_user(login):
    login = (login or "").strip()
    if not login:
        return None
    return User.objects.select_related("organization").filter(Q(username__iexact=login) | Q(email__iexact=login)).first()


def check_account_lock(user):
    """429 while a staff lock or a lockout from failed sign-ins holds the account."""
    now = timezone.now()
    if user is not None and user.locked_until and user.locked_until > now:
        raise TooManyRequests(LOCKED, (user.locked_until - now).total_seconds())


def check_user_throttle(user, ip):
    """For a sign-in without a guess (an e-mailed link): the same 429s, nothing counted."""
    now = timezone.now()
    for limit, message in zip((address_limit(ip), login_limit(user.username)), (ADDRESS_LOCKED, LOCKED), strict=True):
        until = counters.current_lock(limit, now)
        if until is not None:
            raise TooManyRequests(message, (until - now).total_seconds())
    check_account_lock(user)


def key_refused(api_key, user):
    return api_key is not None and user is not None and not key_covers_user(api_key, user)


def authenticate_password(username, password, ip, api_key=None):
    """The user for a correct username/password (and an API key the user's requests may carry),
    else 401 (the failure counted) or 429 (locked)."""
    user = find_user(username)
    # The account's own lock is read before this attempt is counted: read after, a lock that a
    # parallel failure sets meanwhile would refuse an attempt the counter had already let through.
    check_account_lock(user)
    attempt = Attempt(username, ip).start()
    if user is None or key_refused(api_key, user):
        make_password(password or "")  # same work as a real check: timing does not reveal users
        ok = False
    else:
        ok = user.is_active and bool(password) and user.check_password(password)
    if not ok:
        attempt.failed(user)
        emit("sign_in_failed", user, actor=None, organization=getattr(user, "organization", None), ip=ip, login=username)
        raise Unauthorized(INVALID)
    attempt.succeeded()
    return user


def start_second_step(user, ip, api_key=None):
    """For the later steps of a sign-in (second factor, recovery code): the same counters and
    429s, and the API key checked before any code is."""
    attempt = Attempt(user.username, ip).start()
    check_account_lock(user)
    if key_refused(api_key, user):
        attempt.failed(user)
        emit("sign_in_failed", user, actor=None, organization=user.organization, ip=ip)
        raise Unauthorized(INVALID)
    return attempt


def record_failed_attempt(user, attempt):
    """A wrong second factor counts like a wrong password (counters, lockout, audit)."""
    attempt.failed(user)
    emit("sign_in_failed", user, actor=None, organization=user.organization, ip=attempt.ip)


def clear_failures(user):
    """Forget the user's counted failures and lift the lockout (reset password, staff unlock)."""
    counters.forget(*(login_limit(name) for name in (user.username, user.email) if name))
    User.objects.filter(pk=user.pk).update(failed_sign_in_count=0, locked_until=None)
    user.failed_sign_in_count, user.locked_until = 0, None


def _count_failure(user, locked_until):
    """The account's own record of failures (shown in the admin), updated atomically; the lock
    follows the name's counter so that the account's other login (e-mail) is locked too."""
    changes = {"failed_sign_in_count": F("failed_sign_in_count") + 1}
    if locked_until is not None:
        changes = {"failed_sign_in_count": 0, "locked_until": locked_until}
    User.objects.filter(pk=user.pk).update(**changes)


def complete_sign_in(user, ip, user_agent, login=None):
    """Issue the session token and record the sign-in."""
    counters.forget(*(login_limit(name) for name in {user.username, login or user.username}))
    User.objects.filter(pk=user.pk).update(
        sign_in_count=F("sign_in_count") + 1, last_sign_in_at=timezone.now(), last_sign_in_ip=ip or None,
        failed_sign_in_count=0, locked_until=None,
    )
    user.refresh_from_db(fields=["sign_in_count", "last_sign_in_at", "last_sign_in_ip"])
    token, _session = issue_session_token(user, ip=ip or None, user_agent=user_agent)
    emit("sign_in", user, actor=user, organization=user.organization, ip=ip)
    return token


def sign_in_body(user, token):
    """The documented sign-in success body."""
    org = user.organization
    return {
        "status": 200, "status_text": "OK", "username": user.username, "token": token,
        "sign_in_count": user.sign_in_count, "role": user.role, "timezone": user.timezone,
        "verified": user.confirmed, "provider": "email",
        "organization": {"uuid": str(org.pk), "name": org.name} if org else None,
    }

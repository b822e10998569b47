"""Password sign-in with throttling per username and per client address, and lockout."""

import hashlib

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from config.api.errors import TooManyRequests, Unauthorized
from events.emit import emit

from .tokens import issue_session_token

INVALID = "Invalid username or password"


def _key(kind, value):
    """Cache key of a failure counter: hashed, so any username is a safe key on any cache."""
    digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()[:32]
    return f"sign_in_failures:{kind}:{digest}"


def _failures(key):
    return cache.get(key, 0)


def _record_failure(*keys):
    for key in keys:
        cache.add(key, 0, settings.SIGN_IN_FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.SIGN_IN_FAILURE_WINDOW)


def find_user(login):
    login = (login or "").strip()
    if not login:
        return None
    return User.objects.select_related("organization").filter(Q(username__iexact=login) | Q(email__iexact=login)).first()


def check_throttle(username, ip):
    """429 before any password check when the address or the username failed too often.
    The answer is the same whether or not the user exists."""
    if _failures(_key("ip", ip)) >= settings.SIGN_IN_IP_MAX_FAILURES:
        raise TooManyRequests("Too many failed sign-in attempts from this address", settings.SIGN_IN_FAILURE_WINDOW)
    if _failures(_key("user", username)) >= settings.SIGN_IN_MAX_FAILURES:
        raise TooManyRequests("Too many failed sign-in attempts; try again later", settings.SIGN_IN_LOCKOUT.total_seconds())


def authenticate_password(username, password, ip):
    """The user for a correct username/password, else 401 (and the failure is counted)."""
    check_throttle(username, ip)
    user = find_user(username)
    now = timezone.now()
    if user is not None and user.locked_until and user.locked_until > now:
        raise TooManyRequests("Too many failed sign-in attempts; try again later", (user.locked_until - now).total_seconds())
    if user is None:
        make_password(password or "")  # same work as a real check: timing does not reveal users
    if user is None or not user.is_active or not password or not user.check_password(password):
        _record_failure(_key("ip", ip), _key("user", username))
        if user is not None:
            _count_failure(user, now)
        emit("sign_in_failed", user, actor=None, organization=getattr(user, "organization", None), ip=ip, login=username)
        raise Unauthorized(INVALID)
    return user


def check_user_throttle(user, ip):
    """For the later steps of a sign-in (second factor, recovery code): the same 429s."""
    check_throttle(user.username, ip)
    now = timezone.now()
    if user.locked_until and user.locked_until > now:
        raise TooManyRequests("Too many failed sign-in attempts; try again later", (user.locked_until - now).total_seconds())


def record_failed_attempt(user, ip):
    """A wrong second factor counts like a wrong password (throttle, lockout, audit)."""
    _record_failure(_key("ip", ip), _key("user", user.username))
    _count_failure(user, timezone.now())
    emit("sign_in_failed", user, actor=None, organization=user.organization, ip=ip)


def clear_failures(user):
    """Forget the user's counted failures and lift the lockout (reset password, staff unlock)."""
    cache.delete_many([_key("user", user.username), *([_key("user", user.email)] if user.email else [])])
    User.objects.filter(pk=user.pk).update(failed_sign_in_count=0, locked_until=None)
    user.failed_sign_in_count, user.locked_until = 0, None


def _count_failure(user, now):
    user.failed_sign_in_count += 1
    fields = ["failed_sign_in_count"]
    if user.failed_sign_in_count >= settings.SIGN_IN_MAX_FAILURES:
        user.locked_until = now + settings.SIGN_IN_LOCKOUT
        user.failed_sign_in_count = 0
        fields.append("locked_until")
    user.save(update_fields=fields)


def complete_sign_in(user, ip, user_agent, login=None):
    """Issue the session token and record the sign-in."""
    cache.delete_many([_key("user", user.username), _key("user", login or user.username)])
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

"""SMS one-time codes: sent through the SMS backend, stored hashed, expiring, single use, with
few attempts and a minimum interval between two sends."""

import re
import secrets

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import SmsCode
from accounts.sms import SmsDeliveryError, send_sms
from config.api.errors import DomainError, InvalidInput, TooManyRequests

from .secrets import keyed_hash

CODE_DIGITS = 6


class SmsUnavailable(DomainError):
    status = 503
    status_text = "Service Unavailable"


def normalize_phone(phone_number, country_code=None):
    """`phone_number` (national, or international with `+`) and `country_code` (calling code,
    `30` or `+30`) → E.164 (`+306912345678`). 422 naming the faulty field."""
    raw = str(phone_number or "").strip()
    if not raw:
        raise InvalidInput.field("phone_number", "is required")
    if not re.fullmatch(r"\+?[0-9 ().\-]{4,30}", raw):
        raise InvalidInput.field("phone_number", "is not a plausible phone number")
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or raw.startswith("00"):
        full = digits[2:] if raw.startswith("00") else digits
    else:
        code = str(country_code or "").strip().lstrip("+")
        if not code:
            raise InvalidInput.field("country_code", "is required unless phone_number starts with +")
        if not re.fullmatch(r"[1-9][0-9]{0,2}", code):
            raise InvalidInput.field("country_code", "must be a calling code of 1 to 3 digits (e.g. 30 or +1)")
        full = code + digits.lstrip("0")
    if not 8 <= len(full) <= 15 or full.startswith("0"):
        raise InvalidInput.field("phone_number", "is not a plausible phone number")
    return "+" + full


def _hash(user, code):
    return keyed_hash(f"sms:{user.pk}:{code}")


def send_code(user, purpose, phone):
    """Send a fresh code (earlier unused codes of the purpose stop working)."""
    now = timezone.now()
    latest = SmsCode.objects.filter(user=user, purpose=purpose).order_by("-created_at").first()
    if latest is not None:
        wait = settings.SMS_RESEND_INTERVAL - (now - latest.created_at).total_seconds()
        if wait > 0:
            raise TooManyRequests("A code was sent moments ago; wait before asking for another", wait)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = max(1, int(settings.SMS_CODE_TTL.total_seconds() // 60))
    body = f"{code} is your {settings.OTP_ISSUER} verification code. It expires in {minutes} minutes."
    try:
        send_sms(phone, body)
    except SmsDeliveryError as exc:
        raise SmsUnavailable(f"The SMS could not be sent: {exc}") from None
    SmsCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
    return SmsCode.objects.create(
        user=user, purpose=purpose, phone=phone, code_hash=_hash(user, code),
        expires_at=now + settings.SMS_CODE_TTL,
    )


def verify_code(user, purpose, code):
    """The SmsCode the code matches (now spent), else None (the attempt is counted)."""
    code = re.sub(r"\s", "", str(code or ""))
    pending = (
        SmsCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now(),
                               attempts__lt=settings.SMS_CODE_MAX_ATTEMPTS)
        .order_by("-created_at").first()
    )
    if pending is None or not code:
        return None
    if not secrets.compare_digest(pending.code_hash, _hash(user, code)):
        SmsCode.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
        return None
    spent = SmsCode.objects.filter(pk=pending.pk, used_at__isnull=True).update(used_at=timezone.now())
    return pending if spent else None


def has_pending(user, purpose):
    return SmsCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True,
                                  expires_at__gt=timezone.now()).exists()

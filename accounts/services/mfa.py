"""Two-factor methods of a user: TOTP (an authenticator app) and SMS. Setup (enable, then
verify_installation), disabling, the staff reset, and checking a second-factor code. The API,
the sign-in flow and the admin all call these."""

import hmac
import logging
import re

import pyotp
import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.choices import OtpMethod
from accounts.models import SmsCode, SmsPurpose, TotpDevice
from config.api.errors import Conflict, InvalidInput, TooManyRequests
from config.crypto import DecryptionError, decrypt, encrypt
from events.emit import emit

from . import recovery_codes, sms

logger = logging.getLogger(__name__)

METHODS = (OtpMethod.TOTP, OtpMethod.SMS)


def enabled_methods(user):
    """The methods that are on, the default one first (`otp_methods` of the sign-in body)."""
    methods = [m.value for m in METHODS if getattr(user, f"otp_{m.value}_enabled")]
    if user.otp_default_method in methods:
        methods.remove(user.otp_default_method)
        methods.insert(0, user.otp_default_method)
    return methods


def parse_method(value):
    if value not in (OtpMethod.TOTP, OtpMethod.SMS):
        raise InvalidInput.field("method", "must be one of: totp, sms" if value else "is required")
    return OtpMethod(value)


# --- wrong codes are throttled per user, like wrong passwords ---
def _failure_key(user):
    return f"mfa_failures:{user.pk}"


def check_throttle(user):
    if cache.get(_failure_key(user), 0) >= settings.SIGN_IN_MAX_FAILURES:
        raise TooManyRequests("Too many wrong codes; try again later", settings.SIGN_IN_FAILURE_WINDOW)


def record_failure(user):
    key = _failure_key(user)
    cache.add(key, 0, settings.SIGN_IN_FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.SIGN_IN_FAILURE_WINDOW)


def clear_failures(user):
    cache.delete(_failure_key(user))


# --- TOTP ---
def _totp(secret):
    return pyotp.TOTP(secret)


def _code(value):
    return re.sub(r"\s", "", str(value if value is not None else ""))


def accept_totp(device, code):
    """True for a valid code of a time step later than the last one accepted (±1 step of
    clock drift). The step is recorded atomically, so the same code never works twice."""
    code = _code(code)
    if device is None or not re.fullmatch(r"\d{6}", code):
        return False
    try:
        totp = _totp(decrypt(device.encrypted_secret))
    except DecryptionError:
        logger.error("The TOTP secret of user %s cannot be decrypted: was FIELD_ENCRYPTION_KEY changed "
                     "without keeping the old key?", device.user_id)
        return False
    current = totp.timecode(timezone.now())
    for step in (current - 1, current, current + 1):
        if step > device.last_used_step and hmac.compare_digest(totp.generate_otp(step), code):
            if TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(last_used_step=step):
                device.last_used_step = step
                return True
            return False
    return False


def _device(user, confirmed):
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=not confirmed).first()


def begin_totp(user):
    """A new (pending) secret: returned once with its otpauth:// URI and a QR code (SVG)."""
    if user.otp_totp_enabled:
        raise Conflict("TOTP two-factor authentication is already enabled; disable it first")
    secret = pyotp.random_base32(32)
    TotpDevice.objects.update_or_create(
        user=user, defaults={"encrypted_secret": encrypt(secret), "confirmed_at": None, "last_used_step": 0},
    )
    uri = _totp(secret).provisioning_uri(name=user.email or user.username, issuer_name=settings.OTP_ISSUER)
    return {
        "status": "pending", "secret": secret, "provisioning_uri": uri,
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title=f"{settings.OTP_ISSUER} TOTP"),
    }


# --- SMS ---
def begin_sms(user, phone_number, country_code):
    if user.otp_sms_enabled:
        raise Conflict("SMS two-factor authentication is already enabled; disable it first")
    phone = sms.normalize_phone(phone_number, country_code)
    sms.send_code(user, SmsPurpose.ENABLE, phone)
    return {"status": "queued"}


def send_verification_sms(user):
    """A code for a signed-in user's confirmation (disable, new recovery codes)."""
    sms.send_code(user, SmsPurpose.VERIFY, user.otp_phone)
    return {"status": "queued"}


# --- setup and removal ---
def verify_installation(user, method, code):
    """Turn the pending method on with its first code; returns fresh recovery codes."""
    method = parse_method(method)
    check_throttle(user)
    if getattr(user, f"otp_{method}_enabled"):
        raise Conflict(f"{method.upper()} two-factor authentication is already enabled")
    if not _code(code):
        raise InvalidInput.field("otp_attempt", "is required")
    fields = [f"otp_{method}_enabled"]
    if method == OtpMethod.TOTP:
        device = _device(user, confirmed=False)
        if device is None:
            raise Conflict("No TOTP setup is in progress; call PUT /v2/user/mfa/enable?method=totp first")
        _require(user, accept_totp(device, code))
        device.confirmed_at = timezone.now()
    else:
        if not sms.has_pending(user, SmsPurpose.ENABLE):
            raise Conflict("No SMS setup is in progress (or its code expired); call PUT /v2/user/mfa/enable?method=sms")
        sent = sms.verify_code(user, SmsPurpose.ENABLE, code)
        _require(user, sent is not None)
        user.otp_phone = sent.phone
        fields.append("otp_phone")
    setattr(user, f"otp_{method}_enabled", True)
    if user.otp_default_method not in enabled_methods(user):
        user.otp_default_method = method
        fields.append("otp_default_method")
    with transaction.atomic():
        if method == OtpMethod.TOTP:
            TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=device.confirmed_at)
        user.save(update_fields=[*fields, "updated_at"])
        codes = recovery_codes.regenerate(user)
    _emit("two_factor_enabled", user, user, method=method.value)
    return {"status": "verified", "method": method.value, "recovery_codes": codes}


def _require(user, ok, field="otp_attempt"):
    if not ok:
        record_failure(user)
        raise InvalidInput.field(field, "is not a valid code")
    clear_failures(user)


def check_code(user, code, sms_purpose=SmsPurpose.VERIFY, methods=None):
    """True when `code` is a current code of one of the user's enabled methods."""
    methods = methods or enabled_methods(user)
    if OtpMethod.TOTP in methods and accept_totp(_device(user, confirmed=True), code):
        return True
    return OtpMethod.SMS in methods and sms.verify_code(user, sms_purpose, _code(code)) is not None


def disable(user, method, code):
    """Turn a method off with a current code of it (or a recovery code). Without a code, an SMS
    method first gets one sent: `{"status": "queued"}`."""
    method = parse_method(method)
    if not getattr(user, f"otp_{method}_enabled"):
        raise Conflict(f"{method.upper()} two-factor authentication is not enabled")
    if not _code(code):
        if method == OtpMethod.SMS:
            return send_verification_sms(user)
        raise InvalidInput.field("otp_attempt", "is required")
    check_throttle(user)
    _require(user, check_code(user, code, methods=[method]) or recovery_codes.use(user, code))
    _turn_off(user, method)
    _emit("two_factor_disabled", user, user, method=method.value)
    return {"status": "disabled", "method": method.value}


def new_recovery_codes(user, code):
    if not user.two_factor_enabled:
        raise Conflict("Two-factor authentication is not enabled")
    if not _code(code):
        if enabled_methods(user)[0] == OtpMethod.SMS:
            return send_verification_sms(user)
        raise InvalidInput.field("otp_attempt", "is required")
    check_throttle(user)
    _require(user, check_code(user, code))
    codes = recovery_codes.regenerate(user)
    _emit("recovery_codes_regenerated", user, user)
    return {"status": "verified", "recovery_codes": codes}


@transaction.atomic
def _turn_off(user, method):
    if method == OtpMethod.TOTP:
        TotpDevice.objects.filter(user=user).delete()
    else:
        SmsCode.objects.filter(user=user).delete()
        user.otp_phone = ""
    setattr(user, f"otp_{method}_enabled", False)
    remaining = enabled_methods(user)
    user.otp_default_method = remaining[0] if remaining else ""
    if not remaining:
        recovery_codes.delete_all(user)
    user.save(update_fields=[f"otp_{method}_enabled", "otp_phone", "otp_default_method", "updated_at"])


@transaction.atomic
def reset(user, actor):
    """Staff: turn every method off (lost phone). The user signs in with the password alone."""
    TotpDevice.objects.filter(user=user).delete()
    SmsCode.objects.filter(user=user).delete()
    recovery_codes.delete_all(user)
    user.otp_totp_enabled = user.otp_sms_enabled = False
    user.otp_phone = user.otp_default_method = ""
    user.save(update_fields=["otp_totp_enabled", "otp_sms_enabled", "otp_phone", "otp_default_method", "updated_at"])
    clear_failures(user)
    _emit("two_factor_reset", user, actor)


def _emit(name, user, actor, **data):
    transaction.on_commit(lambda: emit(name, user, actor=actor, organization=user.organization, **data))

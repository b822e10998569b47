"""Sign-in with two-factor authentication (conventions.md): once the password (or an SSO
link) is right, a user with 2FA gets an opaque `otp_session_state` (5 minutes, 5 attempts)
instead of a token, and repeats the call with `otp_attempt`. Wrong codes count like wrong
passwords (throttle, lockout, audit)."""

from django.conf import settings

from accounts.choices import OtpMethod
from accounts.models import SmsPurpose, TokenPurpose
from config.api.errors import InvalidInput, TooManyRequests, Unauthorized
from events.emit import emit

from . import mfa, one_time_tokens, recovery_codes, sms
from . import sign_in as sign_in_service

INVALID_STATE = "The two-factor sign-in session is invalid or has expired; sign in again"
INVALID_CODE = "Invalid two-factor code"
INVALID_RECOVERY_CODE = "Invalid username, password or recovery code"


def challenge(user):
    """The documented `otp_required` body. A user whose default method is SMS gets a code sent
    right away (POST /auth/send_sms_otp sends another)."""
    state = one_time_tokens.issue(user, TokenPurpose.OTP_SESSION, settings.OTP_SESSION_TTL, replace=False)
    methods = mfa.enabled_methods(user)
    if methods and methods[0] == OtpMethod.SMS:
        try:
            sms.send_code(user, SmsPurpose.SIGN_IN, user.otp_phone)
        except TooManyRequests:
            pass  # the code sent moments ago is still good
    return {"status": 200, "status_text": "OK", "otp_required": True, "otp_session_state": state,
            "otp_methods": methods}


def session_state(raw):
    """The live sign-in session (OneTimeToken) for `otp_session_state`, else 401."""
    token = one_time_tokens.find_live(raw, TokenPurpose.OTP_SESSION, max_attempts=settings.OTP_SESSION_MAX_ATTEMPTS)
    if token is None:
        raise Unauthorized(INVALID_STATE)
    return token


def finish(raw_state, otp_attempt, ip, api_key=None):
    """The user, once `otp_attempt` is a current code of one of their methods."""
    state = session_state(raw_state)
    user = state.user
    if user.two_factor_enabled and not otp_attempt:
        raise InvalidInput.field("otp_attempt", "is required")
    attempt = sign_in_service.start_second_step(user, ip, api_key)
    if user.two_factor_enabled and not mfa.check_code(user, otp_attempt, SmsPurpose.SIGN_IN):
        one_time_tokens.count_attempt(state)
        sign_in_service.record_failed_attempt(user, attempt)
        raise Unauthorized(INVALID_CODE)
    attempt.succeeded()
    if not one_time_tokens.consume(state):
        raise Unauthorized(INVALID_STATE)
    return user


def verify_in_one_call(user, otp_attempt, ip, api_key=None):
    """username + password + otp_attempt sent together: no session state needed."""
    attempt = sign_in_service.start_second_step(user, ip, api_key)
    if not mfa.check_code(user, otp_attempt, SmsPurpose.SIGN_IN):
        sign_in_service.record_failed_attempt(user, attempt)
        raise Unauthorized(INVALID_CODE)
    attempt.succeeded()
    return user


def send_sign_in_sms(raw_state):
    state = session_state(raw_state)
    user = state.user
    if not user.otp_sms_enabled:
        raise InvalidInput.field("otp_session_state", "belongs to a user without SMS two-factor authentication")
    sms.send_code(user, SmsPurpose.SIGN_IN, user.otp_phone)
    return {"status": "queued"}


def use_recovery_code(user, code, ip, state=None, api_key=None):
    """The user once `code` is one of their unused recovery codes (spent now), else 401."""
    attempt = sign_in_service.start_second_step(user, ip, api_key)
    if not user.two_factor_enabled or not recovery_codes.use(user, code):
        if state is not None:
            one_time_tokens.count_attempt(state)
        sign_in_service.record_failed_attempt(user, attempt)
        raise Unauthorized(INVALID_RECOVERY_CODE)
    attempt.succeeded()
    if state is not None:
        one_time_tokens.consume(state)
    emit("recovery_code_used", user, actor=user, organization=user.organization,
         remaining=recovery_codes.remaining(user))
    return user

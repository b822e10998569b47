"""OpenAPI descriptions (drf-spectacular) of the identity routes, whose views read loose
parameters: request bodies, query parameters and answers. Documentation only: the views
validate with accounts.api.inputs and the services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as s


def body(name, **fields):
    return inline_serializer(name, fields=fields)


def text(help_text="", required=False):
    return s.CharField(required=required, help_text=help_text)


def query(name, help_text, required=True):
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, required=required, description=help_text)


MESSAGE = body("IdentityMessage", message=text())
SIGN_IN = body(
    "SignInAnswer", status=s.IntegerField(), status_text=text(), username=text(), token=text(),
    sign_in_count=s.IntegerField(), role=text(), timezone=text(), verified=s.BooleanField(), provider=text(),
    organization=s.DictField(), otp_required=s.BooleanField(required=False),
    otp_session_state=text("Opaque; send it back with otp_attempt (5 minutes, 5 attempts)."),
    otp_methods=s.ListField(child=text(), required=False),
)
QUEUED = body("SmsQueued", status=text("`queued`"))
OTP_METHOD = text("`totp` or `sms`", required=True)
OTP_ATTEMPT = text("The current code (or, to disable, a recovery code)")
PASSWORDS = {"password": text(required=True), "password_confirmation": text(required=True)}

check_2fa = extend_schema(
    summary="Check 2FA", request=body("Check2fa", username=text(required=True), password=text(required=True)),
    responses={200: body("Check2faAnswer", otp_required=s.BooleanField(), otp_methods=s.ListField(child=text()))},
)
send_sms_otp = extend_schema(
    summary="Send SMS OTP", request=body("SendSmsOtp", otp_session_state=text(required=True)),
    responses={200: QUEUED},
)
recovery_sign_in = extend_schema(
    summary="Sign in with a recovery code",
    request=body("RecoverySignIn", username=text(), password=text(), recovery_code=text(required=True),
                 otp_session_state=text("Instead of username and password, during a 2FA sign-in")),
    responses={200: SIGN_IN},
)
show_confirmation = extend_schema(
    summary="Show confirmation form", parameters=[query("confirmation_token", "From the e-mailed link")],
    responses={200: body("ConfirmationCheck", valid=s.BooleanField(), username=text(), email=text(),
                         confirmed=s.BooleanField(), password_required=s.BooleanField(), expires_at=text())},
)
confirm = extend_schema(
    summary="Confirm a user",
    request=body("Confirm", confirmation_token=text(required=True),
                 password=text("Required when the user has no password"), password_confirmation=text()),
    responses={200: body("ConfirmAnswer", confirmed=s.BooleanField(), username=text(), message=text())},
)
check_invitation = extend_schema(
    summary="Pre-accept invitation check", parameters=[query("invitation_token", "From the e-mailed link")],
    responses={200: body("InvitationCheck", valid=s.BooleanField(), username=text(), email=text(),
                         first_name=text(), last_name=text(), organization_name=text(), expires_at=text())},
)
accept_invitation = extend_schema(
    summary="Accept an invitation",
    request=body("AcceptInvitation", invitation_token=text(required=True), first_name=text(),
                 last_name=text(), **PASSWORDS),
    responses={200: body("AcceptInvitationAnswer", accepted=s.BooleanField(), username=text(), message=text())},
)
forgot_password = extend_schema(
    summary="Forgot password (always 200)", request=body("ForgotPassword", email=s.EmailField()),
    responses={200: MESSAGE},
)
reset_password = extend_schema(
    summary="Reset password",
    request=body("ResetPassword", reset_password_token=text(required=True), **PASSWORDS),
    responses={200: body("ResetPasswordAnswer", username=text(), message=text())},
)
request_sso_link = extend_schema(
    summary="SSO link login: e-mail a one-time link (always 200)",
    request=body("SsoLink", email=s.EmailField()), responses={200: MESSAGE},
)
use_sso_link = extend_schema(
    summary="Sign in with a one-time link", parameters=[query("token", "From the e-mailed link")],
    responses={200: SIGN_IN},
)

MFA_METHOD_PARAM = query("method", "`totp` or `sms` (query string or JSON body)", required=False)
mfa_enable = extend_schema(
    summary="Start enabling 2FA",
    parameters=[MFA_METHOD_PARAM,
                query("phone_number", "sms: national or +international number", required=False),
                query("country_code", "sms: calling code, e.g. 30 or +1", required=False)],
    request=body("MfaEnable", method=OTP_METHOD, phone_number=text(), country_code=text()),
    responses={200: body("MfaEnableAnswer", status=text("`pending` (totp) or `queued` (sms)"), secret=text(),
                         provisioning_uri=text(), qr_svg=text())},
)
RECOVERY = body("MfaRecoveryCodes", status=text(), method=text(), recovery_codes=s.ListField(child=text()))
mfa_verify = extend_schema(
    summary="Verify the installation (turns 2FA on)", parameters=[MFA_METHOD_PARAM],
    request=body("MfaVerify", method=OTP_METHOD, otp_attempt=text(required=True)), responses={200: RECOVERY},
)
mfa_disable = extend_schema(
    summary="Disable a 2FA method", parameters=[MFA_METHOD_PARAM],
    request=body("MfaDisable", method=OTP_METHOD, otp_attempt=OTP_ATTEMPT),
    responses={200: body("MfaDisableAnswer", status=text("`disabled` (or `queued`)"), method=text())},
)
mfa_recovery_codes = extend_schema(
    summary="Regenerate recovery codes", request=body("MfaRecovery", otp_attempt=OTP_ATTEMPT),
    responses={200: RECOVERY},
)
impersonate = extend_schema(summary="Impersonate a user (Admin, Partner)", request=None, responses={200: SIGN_IN})
stop_impersonation = extend_schema(summary="Stop impersonating", request=None, responses={200: SIGN_IN})
invite = extend_schema(summary="(Re)send the invitation", request=None)
preference_update = extend_schema(
    summary="Update a notification preference",
    parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH,
                                 enum=["scan_event", "report_event", "exception_event", "overdue_pci_reminder"])],
    request=body("Preference", enabled=s.BooleanField(required=False), email=s.BooleanField(required=False),
                 in_app=s.BooleanField(required=False)),
)

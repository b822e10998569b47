"""Pre-login two-factor routes (/auth/check_2fa, /auth/send_sms_otp,
/auth/sign_in_with_recovery_code) and the 2FA steps of POST /auth/sign_in."""

from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import check_key_covers, client_address, sent_key
from accounts.services import mfa, mfa_sign_in
from accounts.services import sign_in as sign_in_service
from config.api.permissions import AllowAnyClient

from . import schema
from .inputs import read


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")


def signed_in_response(request, user):
    check_key_covers(request, user)
    ip = client_address(request)
    token = sign_in_service.complete_sign_in(user, ip, user_agent(request))
    return Response(sign_in_service.sign_in_body(user, token))


def user_from_session_state(request):
    """Second call of a 2FA sign-in: the user once `otp_attempt` matches, None when the
    request carries no `otp_session_state`."""
    state = read(request, "otp_session_state")
    if not state:
        return None
    return mfa_sign_in.finish(state, read(request, "otp_attempt"), client_address(request), sent_key(request))


def second_factor(request, user):
    """After the password (or an SSO link): the `otp_required` body for a user with 2FA, unless
    the same call already carries a good `otp_attempt`. None when no (more) factor is needed."""
    if not user.two_factor_enabled:
        return None
    code = read(request, "otp_attempt")
    if code:
        mfa_sign_in.verify_in_one_call(user, code, client_address(request), sent_key(request))
        return None
    return mfa_sign_in.challenge(user)


class CheckTwoFactorView(APIView):
    """POST /auth/check_2fa: does this account need a second factor?"""

    permission_classes = [AllowAnyClient]

    @schema.check_2fa
    def post(self, request):
        username = read(request, "username", required=True)
        password = read(request, "password", required=True, strip=False)
        user = sign_in_service.authenticate_password(username, password, client_address(request), sent_key(request))
        return Response({"otp_required": user.two_factor_enabled, "otp_methods": mfa.enabled_methods(user)})


class SendSmsOtpView(APIView):
    """POST /auth/send_sms_otp: (re)send the sign-in code of a pending 2FA sign-in."""

    permission_classes = [AllowAnyClient]

    @schema.send_sms_otp
    def post(self, request):
        state = read(request, "otp_session_state", required=True)
        return Response(mfa_sign_in.send_sign_in_sms(state))


class RecoveryCodeSignInView(APIView):
    """POST /auth/sign_in_with_recovery_code: username + password (or the `otp_session_state`
    of a pending sign-in) + one unused recovery code."""

    permission_classes = [AllowAnyClient]

    @schema.recovery_sign_in
    def post(self, request):
        ip = client_address(request)
        state_token = read(request, "otp_session_state")
        if state_token:
            code = read(request, "recovery_code", required=True)
            state = mfa_sign_in.session_state(state_token)
            user = mfa_sign_in.use_recovery_code(state.user, code, ip, state=state, api_key=sent_key(request))
        else:
            username = read(request, "username", required=True)
            password = read(request, "password", required=True, strip=False)
            code = read(request, "recovery_code", required=True)
            user = sign_in_service.authenticate_password(username, password, ip, sent_key(request))
            user = mfa_sign_in.use_recovery_code(user, code, ip, api_key=sent_key(request))
        return signed_in_response(request, user)

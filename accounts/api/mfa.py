"""The signed-in user's two-factor settings: /v2/user/mfa/... (User 2FA [doc paths]).
Parameters come from the query string or the JSON body."""

from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.serializers import UserSerializer
from accounts.models import User
from accounts.services import mfa
from accounts.services.impersonation import forbid_while_impersonating
from config.api.viewsets import ResourceViewSet

from . import schema
from .inputs import read


def method_param(request):
    return mfa.parse_method((read(request, "method") or "").lower())


class MfaViewSet(ResourceViewSet):
    queryset = User.objects.none()
    serializer_class = UserSerializer
    read_role = write_role = "Viewer"  # one's own 2FA: every role

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        forbid_while_impersonating(request.auth, "change two-factor authentication")

    @schema.mfa_enable
    @action(detail=False, methods=["put"])
    def enable(self, request):
        """`method=totp` → the pending secret, otpauth:// URI and QR code (SVG); `method=sms`
        with `phone_number` and `country_code` → a code is sent (`{"status": "queued"}`)."""
        method = method_param(request)
        if method == "totp":
            return Response(mfa.begin_totp(request.user))
        return Response(mfa.begin_sms(request.user, read(request, "phone_number"), read(request, "country_code")))

    @schema.mfa_verify
    @action(detail=False, methods=["put"])
    def verify_installation(self, request):
        """`method`, `otp_attempt` → on, with ten recovery codes (shown once)."""
        return Response(mfa.verify_installation(request.user, method_param(request), read(request, "otp_attempt")))

    @schema.mfa_disable
    @action(detail=False, methods=["put"])
    def disable(self, request):
        """`method`, `otp_attempt` (a current code or a recovery code). For SMS, a call without
        `otp_attempt` sends the code first."""
        return Response(mfa.disable(request.user, method_param(request), read(request, "otp_attempt")))

    @schema.mfa_recovery_codes
    @action(detail=False, methods=["put"])
    def recovery_codes(self, request):
        """`otp_attempt` → a fresh set of recovery codes; the old ones stop working."""
        return Response(mfa.new_recovery_codes(request.user, read(request, "otp_attempt")))

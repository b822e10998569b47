"""Pre-login routes under /auth (conventions.md, Authentication)."""

from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import two_factor_views as two_factor
from accounts.api.inputs import read
from accounts.authentication import client_address, sent_key
from accounts.services import sign_in as sign_in_service
from accounts.services.tokens import revoke_session
from config.api.permissions import AllowAnyClient


class SignInView(APIView):
    permission_classes = [AllowAnyClient]
    throttle_scope = "sign_in"

    def post(self, request):
        # Second call of a two-factor sign-in (conventions.md): otp_session_state + otp_attempt.
        user = two_factor.user_from_session_state(request)
        if user is not None:
            return two_factor.signed_in_response(request, user)
        username = read(request, "username", required=True)
        password = read(request, "password", required=True, strip=False)
        ip = client_address(request)
        user = sign_in_service.authenticate_password(username, password, ip, sent_key(request))
        challenge = two_factor.second_factor(request, user)
        if challenge is not None:
            return Response(challenge)
        token = sign_in_service.complete_sign_in(
            user, ip, request.META.get("HTTP_USER_AGENT", ""), login=username
        )
        return Response(sign_in_service.sign_in_body(user, token))


class SignOutView(APIView):
    def required_role(self, request):
        return "Viewer"  # every role signs out (a Viewer's DELETE is not a write to shared data)

    def delete(self, request):
        session = getattr(request.auth, "session", None)
        if session is not None:
            revoke_session(session)
        return Response({})

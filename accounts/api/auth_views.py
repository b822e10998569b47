"""Pre-login routes under /auth (conventions.md, Authentication)."""

from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import two_factor_views as two_factor
from accounts.authentication import client_address
from accounts.services import sign_in as sign_in_service
from accounts.services.tokens import revoke_session
from config.api.errors import InvalidInput
from config.api.permissions import AllowAnyClient


def credential(request, name):
    """From the JSON body (wrapped in `user` or not) or the query string."""
    body = request.data if hasattr(request.data, "get") else {}
    wrapped = body.get("user") if isinstance(body.get("user"), dict) else body
    value = wrapped.get(name) if hasattr(wrapped, "get") else None
    if value in (None, ""):
        value = request.query_params.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidInput.field(name, "must be a string")
    if value and "\x00" in value:  # PostgreSQL refuses NUL in a string literal
        raise InvalidInput.field(name, "must not contain NUL characters")
    return value


class SignInView(APIView):
    permission_classes = [AllowAnyClient]
    throttle_scope = "sign_in"

    def post(self, request):
        # Second call of a two-factor sign-in (conventions.md): otp_session_state + otp_attempt.
        user = two_factor.user_from_session_state(request)
        if user is not None:
            return two_factor.signed_in_response(request, user)
        username, password = credential(request, "username"), credential(request, "password")
        if not username:
            raise InvalidInput.field("username", "is required")
        if not password:
            raise InvalidInput.field("password", "is required")
        ip = client_address(request)
        user = sign_in_service.authenticate_password(username, password, ip)
        challenge = two_factor.second_factor(request, user)
        if challenge is not None:
            return Response(challenge)
        token = sign_in_service.complete_sign_in(user, ip, request.META.get("HTTP_USER_AGENT", ""), login=username)
        return Response(sign_in_service.sign_in_body(user, token))


class SignOutView(APIView):
    def delete(self, request):
        session = getattr(request.auth, "session", None)
        if session is not None:
            revoke_session(session)
        return Response({})

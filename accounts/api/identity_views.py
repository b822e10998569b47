"""Pre-login e-mail flows under /auth: confirmation, invitation, password reset, SSO link."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import check_key_covers, client_address
from accounts.services import confirmation, invitations, password_reset, sso_links
from config.api.errors import InvalidInput
from config.api.permissions import AllowAnyClient

from . import schema
from .inputs import read
from .two_factor_views import second_factor, signed_in_response

ALWAYS_SENT = "If the address belongs to an account, an e-mail is on its way"


def email_param(request):
    email = read(request, "email", required=True)
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput.field("email", "is not a valid e-mail address") from None
    return email


class PreLoginView(APIView):
    permission_classes = [AllowAnyClient]


class ConfirmationView(PreLoginView):
    """GET: "show confirmation form"; POST: "confirm a user"."""

    @schema.show_confirmation
    def get(self, request):
        return Response(confirmation.describe(read(request, "confirmation_token", required=True)))

    @schema.confirm
    def post(self, request):
        user = confirmation.confirm(
            read(request, "confirmation_token", required=True),
            read(request, "password", strip=False), read(request, "password_confirmation", strip=False),
        )
        return Response({"confirmed": True, "username": user.username, "message": "Your account is confirmed"})


class InvitationView(PreLoginView):
    """GET: "pre-accept invitation check"; PUT: "accept an invitation"."""

    @schema.check_invitation
    def get(self, request):
        return Response(invitations.describe(read(request, "invitation_token", required=True)))

    @schema.accept_invitation
    def put(self, request):
        user = invitations.accept(
            read(request, "invitation_token", required=True),
            read(request, "password", strip=False), read(request, "password_confirmation", strip=False),
            first_name=read(request, "first_name"), last_name=read(request, "last_name"),
        )
        return Response({
            "accepted": True, "username": user.username,
            "message": "Invitation accepted; sign in with your username and new password",
        })


class PasswordView(PreLoginView):
    """POST: "forgot password" (always the same answer); PUT: "reset password"."""

    @schema.forgot_password
    def post(self, request):
        password_reset.request_reset(email_param(request))
        return Response({"message": ALWAYS_SENT})

    @schema.reset_password
    def put(self, request):
        user = password_reset.reset_password(
            read(request, "reset_password_token", required=True),
            read(request, "password", strip=False), read(request, "password_confirmation", strip=False),
        )
        return Response({
            "username": user.username,
            "message": "Your password has been changed and every session signed out; sign in with the new password",
        })


class SsoLinkView(PreLoginView):
    """POST: mail a one-time sign-in link (always the same answer); GET: sign in with it."""

    @schema.request_sso_link
    def post(self, request):
        sso_links.request_link(email_param(request))
        return Response({"message": ALWAYS_SENT})

    @schema.use_sso_link
    def get(self, request):
        user = sso_links.consume_link(
            read(request, "token", required=True), client_address(request),
            check=lambda user: check_key_covers(request, user),  # before the link is spent
        )
        challenge = second_factor(request, user)
        if challenge is not None:
            return Response(challenge)
        return signed_in_response(request, user)

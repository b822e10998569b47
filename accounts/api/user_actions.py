"""Actions on another user: POST /v2/users/{id}/invite, POST /v2/users/{id}/impersonate and
DELETE /v2/users/impersonate (registered next to UserViewSet under "users")."""

from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import schema
from accounts.api.serializers import UserSerializer
from accounts.api.views import UserContextMixin
from accounts.authentication import client_address
from accounts.models import User
from accounts.services import impersonation, invitations
from accounts.services.users import check_manageable
from config.api.viewsets import ResourceViewSet


class UserActionViewSet(UserContextMixin, ResourceViewSet):
    queryset = User.objects.select_related("organization")
    serializer_class = UserSerializer
    resource_name = "user"
    action_roles = {"invite": "Manager", "impersonate": "Partner", "stop_impersonation": "Viewer"}

    @schema.invite
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """(Re)send the invitation e-mail to a user who has not accepted it yet."""
        user = self.get_object()
        check_manageable(request.user, user)
        return self.respond(invitations.resend_invitation(request.user, user))

    @schema.impersonate
    @action(detail=True, methods=["post"])
    def impersonate(self, request, pk=None):
        """Admin (any user) or Partner (users of its customers): a token acting as the user."""
        impersonation.forbid_while_impersonating(request.auth, "impersonate another user")
        body = impersonation.start(
            request.user, self.get_object(), request.auth,
            ip=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return Response(body)

    @schema.stop_impersonation
    @action(detail=False, methods=["delete"], url_path="impersonate")
    def stop_impersonation(self, request):
        """Ends the impersonation (revokes this token) and returns the original user's token."""
        body = impersonation.stop(
            request.auth, ip=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return Response(body)

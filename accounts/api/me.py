"""The signed-in user's own routes: /v2/user/..."""

from django.http import Http404
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.guards import ImpersonationGuardMixin
from accounts.api.serializers import SelfUpdateSerializer, UserSerializer
from accounts.api.views import UserContextMixin, UserViewSet
from accounts.models import User
from accounts.services import tokens
from accounts.services import users as user_services
from accounts.services.permissions import permissions_for
from config.api.params import param
from config.api.serializers import iso_timestamp
from config.api.viewsets import ResourceViewSet
from organizations.api.serializers import OrganizationInputSerializer, OrganizationSerializer
from organizations.models import Organization
from organizations.services import update_organization


def product_codes(user):
    from organizations.services.products import available_products

    return [{"code": p.code, "name": p.name} for p in available_products(user)]


def current_plan(user):
    from organizations.services.products import current_plan

    return current_plan(user)


# The blocks GET /v2/user/me adds on request (`?products=true`, `?current_plan=true`):
# name -> callable(user) -> value.
ME_BLOCKS = {"products": product_codes, "current_plan": current_plan}


class CurrentUserViewSet(ImpersonationGuardMixin, UserContextMixin, ResourceViewSet):
    queryset = User.objects.select_related("organization")
    serializer_class = UserSerializer
    resource_name = "user"
    action_roles = {"organization_update": "Manager", "transfer_resources": "Admin"}
    write_role = "Viewer"  # own profile, password and tokens: every role
    not_while_impersonating = ("password", "generate_access_token", "revoke_access_token", "delete_me")
    filterset_class = UserViewSet.filterset_class  # GET /v2/user/members filters like GET /v2/users
    sort_fields = UserViewSet.sort_fields
    list_actions = ("members",)  # documented with the list parameters in /v2/schema
    schema_requests = {"update_me": SelfUpdateSerializer, "organization_update": OrganizationInputSerializer}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        params = self.request.query_params
        from config.api.params import flag

        context["extra_blocks"] = {name: build for name, build in ME_BLOCKS.items() if flag(params, name)}
        return context

    @action(detail=False, methods=["get"], url_path="me")
    def me(self, request):
        return self.respond(request.user)

    @me.mapping.put
    def update_me(self, request):
        data = self.validated(instance=request.user, partial=True, serializer_class=SelfUpdateSerializer)
        user_services.update_user(request.user, request.user, data, self_service=True)
        return self.respond(request.user)

    @me.mapping.delete
    def delete_me(self, request):
        user_services.delete_own_account(request.user)
        return Response({})

    @action(detail=False, methods=["put"])
    def password(self, request):
        body = self.payload()
        user_services.change_password(
            request.user, body.get("current_password"), body.get("password"),
            body.get("password_confirmation"), keep_session=request.auth.session,
        )
        return Response({"message": "Password changed; your other sessions were signed out"})

    @action(detail=False, methods=["get"])
    def members(self, request):
        org_id = request.user.organization_id
        queryset = User.objects.select_related("organization").filter(organization_id=org_id)
        return self.respond_list(self.filter_queryset(queryset if org_id else queryset.none()))

    @action(detail=False, methods=["get"], url_path="organization")
    def organization(self, request):
        org = Organization.objects.prefetch_related("members").filter(pk=request.user.organization_id).first()
        if org is None:  # an account an operator left without an organization
            raise Http404
        return Response({"data": OrganizationSerializer(org, context={"user": request.user}).data})

    @organization.mapping.put
    def organization_update(self, request):
        org = request.user.organization
        if org is None:
            raise Http404
        data = self.validated(instance=org, partial=True, serializer_class=OrganizationInputSerializer,
                              data=self.payload("organization"))
        data.pop("skip_default_subscription", None)
        update_organization(request.user, org, data)
        return Response({})

    @action(detail=False, methods=["get"])
    def validate_token(self, request):
        session = getattr(request.auth, "session", None)
        return Response({
            "valid": True, "kind": request.auth.kind,
            "expires_at": iso_timestamp(session.expires_at) if session else None,
        })

    @action(detail=False, methods=["get"])
    def permissions(self, request):
        raw = request.query_params.get("permissions", "")
        names = [n.strip().upper() for n in raw.split(",") if n.strip()]
        return Response({"permissions": permissions_for(request.user, names)})

    @action(detail=False, methods=["get"])
    def can_be_deleted(self, request):
        reasons = user_services.deletion_blockers(request.user)
        return Response({"can_be_deleted": not reasons, "reasons": reasons})

    @action(detail=False, methods=["put"])
    def generate_access_token(self, request):
        token = tokens.generate_access_token(request.user)
        return Response({
            "token": token, "username": request.user.username,
            "message": "Store this access token now: it will not be shown again",
        })

    @action(detail=False, methods=["put"])
    def revoke_access_token(self, request):
        had = tokens.revoke_access_token(request.user)
        return Response({"message": "Access token revoked" if had else "There was no access token", "revoked": had})

    @action(detail=False, methods=["put"])
    def transfer_resources(self, request):
        users = self.get_queryset()
        from_user = self.record_from_param(users, param(request, "from_user_id"), "from_user_id", unknown_is_404=False)
        to_user = self.record_from_param(users, param(request, "to_user_id"), "to_user_id", unknown_is_404=False)
        moved = user_services.transfer_resources(request.user, from_user, to_user)
        return Response({"transferred": moved, "from_user_id": str(from_user.pk), "to_user_id": str(to_user.pk)})


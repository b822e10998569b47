from rest_framework.response import Response

from accounts.api.serializers import (
    UserCreateSerializer,
    UserInputSerializer,
    UserSerializer,
    listed_rows,
)
from accounts.models import User
from accounts.services import users as user_services
from config.api.params import flag, truthy
from config.api.viewsets import BulkDestroyMixin, ResourceViewSet


def confirmed_filter(queryset, value):
    return queryset.filter(confirmed=truthy("q[confirmed]", value))


class UserContextMixin:
    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["user"] = self.request.user
        context["details"] = flag(self.request.query_params, "details")
        return context


class UserViewSet(UserContextMixin, BulkDestroyMixin, ResourceViewSet):
    """Users (staff, partners and managers manage users)."""

    queryset = User.objects.select_related("organization")
    serializer_class = UserSerializer
    input_serializer_class = UserInputSerializer
    schema_requests = {"create": UserCreateSerializer}
    resource_name = "user"
    search_fields = {
        "email": "email", "username": "username", "first_name": "first_name", "last_name": "last_name",
        "role": "role", "organization_id": "organization_id", "confirmed": confirmed_filter,
    }
    sort_fields = ("email", "username", "created_at", "last_sign_in_at")
    write_role = "Manager"

    def list(self, request):
        details = flag(request.query_params, "details")
        return self.respond_list(
            self.filter_queryset(self.get_queryset()), rows=lambda page: listed_rows(page, details)
        )

    def retrieve(self, request, pk=None):
        return self.respond(self.get_object())

    def create(self, request):
        data = self.validated(serializer_class=UserCreateSerializer)
        password = data.pop("password", None)
        user = user_services.create_user(request.user, data, password=password)
        return self.respond(user, status=201)

    def update(self, request, pk=None):
        user = self.get_object()
        data = self.validated(instance=user, partial=True)
        user_services.update_user(request.user, user, data)
        return Response({})

    partial_update = update

    def destroy(self, request, pk=None):
        user_services.delete_users(request.user, [self.get_object()])
        return Response({})

    def destroy_instances(self, instances):
        user_services.delete_users(self.request.user, instances)

from accounts.api.serializers import (
    UserCreateSerializer,
    UserInputSerializer,
    UserSerializer,
    listed_rows,
)
from accounts.filtersets import UserFilterSet
from accounts.models import User
from accounts.services import users as user_services
from config.api.params import flag
from config.api.viewsets import BulkDestroyMixin, ModelResourceViewSet


class UserContextMixin:
    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["user"] = self.request.user
        context["details"] = flag(self.request.query_params, "details")
        return context


class UserViewSet(UserContextMixin, BulkDestroyMixin, ModelResourceViewSet):
    """Users (staff, partners and managers manage users)."""

    queryset = User.objects.select_related("organization")
    serializer_class = UserSerializer
    input_serializer_class = UserInputSerializer
    create_serializer_class = UserCreateSerializer
    resource_name = "user"
    filterset_class = UserFilterSet
    sort_fields = ("email", "username", "created_at", "last_sign_in_at")
    write_role = "Manager"
    create_service = user_services.create_user
    update_service = user_services.update_user
    delete_service = user_services.delete_users
    update_answers_empty = True  # PUT /v2/users/{id} answers {} (the seed page)

    def list_rows(self, page):
        return listed_rows(page, flag(self.request.query_params, "details"))

    count_with_page = True  # count and page in one round trip (config/api/viewsets.py)

    def list_rows_shape(self):  # what list_rows reads besides the page (config/api/page_rows.py)
        return flag(self.request.query_params, "details")

from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.decorators import action

from config.api.params import param
from config.api.viewsets import ModelResourceViewSet
from organizations.api.serializers import (
    OrganizationCreateSerializer,
    OrganizationInputSerializer,
    OrganizationSerializer,
    listed_rows,
)
from organizations.api.subscriptions import OrganizationSubscribeMixin
from organizations.filtersets import OrganizationFilterSet
from organizations.models import Organization
from organizations.services import csv_lines, move_user, update_organization
from organizations.services.creation import create_organization_with_plans, delete_organizations
from organizations.services.export import record_export


class OrganizationViewSet(OrganizationSubscribeMixin, ModelResourceViewSet):
    queryset = Organization.objects.all()  # the serializer loads members (in bulk for lists)
    serializer_class = OrganizationSerializer
    input_serializer_class = OrganizationInputSerializer
    create_serializer_class = OrganizationCreateSerializer
    resource_name = "organization"
    organization_field = "pk"
    filterset_class = OrganizationFilterSet
    sort_fields = {"name": "name", "creation_time": "created_at", "created_at": "created_at"}
    write_role = "Manager"
    action_roles = {
        "create": "Partner", "destroy": "Partner", "move": "Partner", "export": "Manager",
        "subscribe": "Manager", "subscribe_own": "Manager", "unsubscribe": "Manager",
        "dependent_subscriptions": "Partner",
    }
    list_rows = staticmethod(listed_rows)
    create_service = create_organization_with_plans
    update_service = update_organization
    delete_service = delete_organizations
    update_answers_empty = True  # PUT /v2/organizations/{id} answers {} (conventions.md)

    count_with_page = True  # count and page in one round trip (config/api/viewsets.py)

    def list_rows_shape(self):  # list_rows reads nothing but the page (config/api/page_rows.py)
        return ()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["user"] = self.request.user
        return context

    def written(self, instance):  # read again with its members
        return Organization.objects.prefetch_related("members").get(pk=instance.pk)

    @action(detail=False, methods=["put"])
    def move(self, request):
        user_id, organization_id = param(request, "user_id"), param(request, "organization_id")
        users = self.scope(get_user_model().objects.all(), "organization")
        user = self.record_from_param(users, user_id, "user_id")
        org = self.record_from_param(self.get_queryset(), organization_id, "organization_id")
        move_user(request.user, user, org)
        return self.respond(self.get_queryset().get(pk=org.pk))  # fresh members, the moved user included

    @action(detail=False, methods=["get"])
    def export(self, request):
        queryset = self.filter_queryset(self.scope(Organization.objects.all()))
        if not (request.query_params.get("sort_by") or "").strip():
            queryset = queryset.order_by()  # by name, as the admin and the command export
        record_export(request.user, "api")
        response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="organizations-{stamp}.csv"'
        return response


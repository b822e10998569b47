from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from config.api.params import param
from config.api.viewsets import ResourceViewSet
from organizations.api.serializers import OrganizationInputSerializer, OrganizationSerializer, listed_rows
from organizations.api.subscriptions import OrganizationSubscribeMixin
from organizations.models import Organization
from organizations.services import (
    create_organization,
    csv_lines,
    delete_organization,
    move_user,
    update_organization,
)
from organizations.services.export import record_export

# Hooks run after an organization is created through the API: callables
# (actor, organization, payload) -> None. Subscriptions register the default-plan rule here.
AFTER_CREATE = []


class OrganizationViewSet(OrganizationSubscribeMixin, ResourceViewSet):
    queryset = Organization.objects.all()  # the serializer loads members (in bulk for lists)
    serializer_class = OrganizationSerializer
    input_serializer_class = OrganizationInputSerializer
    resource_name = "organization"
    organization_field = "pk"
    search_fields = {
        "name": "name", "company_name": "company_name", "partner": "partner",
        "parent_organization_id": "parent_id", "country": "country",
    }
    sort_fields = {"name": "name", "creation_time": "created_at", "created_at": "created_at"}
    write_role = "Manager"
    action_roles = {
        "create": "Partner", "destroy": "Partner", "move": "Partner", "export": "Manager",
        "subscribe": "Manager", "subscribe_own": "Manager", "unsubscribe": "Manager",
        "dependent_subscriptions": "Partner",
    }

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["user"] = self.request.user
        return context

    def list(self, request):
        return self.respond_list(self.filter_queryset(self.get_queryset()), rows=listed_rows)

    def retrieve(self, request, pk=None):
        return self.respond(self.get_object())

    def create(self, request):
        data = self.validated()
        payload = self.payload()
        data.pop("skip_default_subscription", None)
        org = create_organization(request.user, data, after_create=[
            lambda created, hook=hook: hook(request.user, created, payload) for hook in AFTER_CREATE
        ])
        return self.respond(Organization.objects.prefetch_related("members").get(pk=org.pk), status=201)

    def update(self, request, pk=None):
        org = self.get_object()
        data = self.validated(instance=org, partial=True)
        data.pop("skip_default_subscription", None)
        update_organization(request.user, org, data)
        return Response({})

    partial_update = update

    def destroy(self, request, pk=None):
        delete_organization(request.user, self.get_object())
        return Response({})

    @action(detail=False, methods=["put"])
    def move(self, request):
        user_id, organization_id = param(request, "user_id"), param(request, "organization_id")
        user = self.record_from_param(self.scope(User.objects.all(), "organization"), user_id, "user_id")
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


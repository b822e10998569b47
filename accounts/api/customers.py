"""POST /v2/users/create_customer: one call on-boards a customer organization."""

from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.serializers import UserCreateSerializer, UserSerializer
from accounts.api.views import UserContextMixin
from accounts.services.customers import create_customer
from config.api.errors import InvalidInput
from config.api.exceptions import flatten_errors, validation_message
from config.api.params import truthy
from config.api.viewsets import ResourceViewSet
from organizations.api.serializers import OrganizationInputSerializer, OrganizationSerializer
from organizations.api.subscription_serializers import PlanRequestSerializer, SubscriptionSerializer, plan_requests
from organizations.models import Organization

# The parts of the body whose fields the services' rules name bare ("role", "partner").
PARTS = (("user", UserCreateSerializer), ("organization", OrganizationInputSerializer))


def under_its_part(error):
    """The error with each bare field named under its part of the body (`user.role`), as
    conventions.md names nested fields; a name both parts declare, or neither, is kept."""
    errors = {}
    for name, messages in error.errors.items():
        owners = [part for part, serializer_class in PARTS if name in serializer_class().fields]
        errors[f"{owners[0]}.{name}" if len(owners) == 1 else name] = messages
    return type(error)(validation_message(errors), errors)


class CustomerInput(serializers.Serializer):
    """The body, for /v2/schema. The view validates part by part so errors name nested fields
    (`user.email`, `plans.0.plan`) before anything is written."""

    organization_id = serializers.UUIDField(required=False, help_text="an existing organization instead of a new one")
    organization = OrganizationInputSerializer(required=False)
    user = UserCreateSerializer()
    plans = PlanRequestSerializer(many=True, required=False)


class CustomerViewSet(UserContextMixin, ResourceViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    organization_field = "pk"
    action_roles = {"create_customer": "Partner"}
    schema_requests = {"create_customer": CustomerInput}

    @action(detail=False, methods=["post"])
    def create_customer(self, request):
        body = self.payload("customer")
        organization = organization_fields = None
        if body.get("organization_id"):
            organization = self.record_from_param(self.get_queryset(), body["organization_id"], "organization_id")
        else:
            org_body = body.get("organization")
            if not isinstance(org_body, dict):
                raise InvalidInput.field("organization", "is required (or give organization_id)")
            organization_fields = self.nested(OrganizationInputSerializer, org_body, "organization")
            organization_fields.pop("skip_default_subscription", None)
        user_body = body.get("user")
        if not isinstance(user_body, dict):
            raise InvalidInput.field("user", "is required")
        user_fields = self.nested(UserCreateSerializer, user_body, "user")
        requests = plan_requests(body.get("plans") or [], prefix="plans")
        org_body = body.get("organization") if isinstance(body.get("organization"), dict) else {}
        skip = truthy("organization.skip_default_subscription", org_body.get("skip_default_subscription", False))
        try:
            organization, user, subscriptions = create_customer(
                request.user, user_fields=user_fields, plan_requests=requests, skip_default=skip,
                organization=organization, organization_fields=organization_fields,
            )
        except InvalidInput as error:
            raise under_its_part(error) from None
        organization = Organization.objects.prefetch_related("members").get(pk=organization.pk)
        context = self.get_serializer_context()
        return Response({
            "data": OrganizationSerializer(organization, context=context).data,
            "included": [
                UserSerializer(user, context=context).data,
                *SubscriptionSerializer(subscriptions, many=True, context=context).data,
            ],
        }, status=201)

    def nested(self, serializer_class, data, prefix):
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        if not serializer.is_valid():
            errors = {f"{prefix}.{k}": v for k, v in flatten_errors(serializer.errors).items()}
            raise InvalidInput(validation_message(errors), errors)
        return dict(serializer.validated_data)


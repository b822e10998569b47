"""The one scoping rule of the /v2 API: what a caller may see. Every viewset (`ResourceViewSet.
scope`) and every related-id input field (`ScopedPrimaryKeyRelatedField`) goes through
`visible_to`, so a new resource or field cannot forget it: there is no unscoped queryset to
fall back on, and without a caller nothing is visible (fail closed)."""

from django.apps import apps
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def visible_to(user, queryset, organization_field="organization"):
    """The rows of `queryset` whose organization (`organization_field`, "pk" for organizations
    themselves) `user` may see: its own organization, a partner's subtree, everything for staff.
    No user, an anonymous one or one without an organization: no rows."""
    visible = getattr(user, "visible_organization_ids", None)
    if visible is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    ids = visible()
    if ids is None:  # platform staff
        return queryset
    return queryset.filter(**{f"{organization_field}__in": ids})


def caller_of(context):
    """The signed-in user a serializer works for: `context["user"]`, else the request's user."""
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    return user


@extend_schema_field(OpenApiTypes.UUID)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id (`organization_id`, `parent_organization`) looked up only among the rows the
    caller may see. `model` is an "app_label.Model" name (config.api imports no app); ids outside
    the caller's reach answer exactly as unknown ids do (422 naming the field)."""

    def __init__(self, model, organization_field="organization", **kwargs):
        self.model_label, self.organization_field = model, organization_field
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(**kwargs)

    def get_queryset(self):
        model = apps.get_model(self.model_label)
        return visible_to(caller_of(self.context), model._default_manager.all(), self.organization_field)

"""The base viewsets every /v2 resource uses: scoping (fail closed), envelope, list parameters,
bulk delete and role requirements are written once here."""

from django.db import transaction
from django.http import Http404
from rest_framework import status as http
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from .errors import InvalidInput
from .filtering import apply_list_params
from .parsers import unwrap
from .scoping import visible_to
from .uuids import parse_uuid, split_uuids


class ResourceViewSet(GenericViewSet):
    """Declarations a subclass gives: `queryset`, `serializer_class`, `resource_name` (singular
    wrapper of request bodies), `search_fields`, `sort_fields`, `date_field`, `read_role`,
    `write_role`, `action_roles` ({"action": "Role"}), `organization_field` (path to the owning
    organization; "pk" for the organization itself), `product_field` (scanning resources)."""

    resource_name = None
    search_fields = {}
    sort_fields = ("created_at",)
    date_field = "created_at"
    default_sort = ("-created_at",)
    read_role = "Viewer"
    write_role = "User"
    action_roles = {}
    organization_field = "organization"
    product_field = None
    lookup_value_regex = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

    # --- access ---
    def required_role(self, request):
        if self.action in self.action_roles:
            return self.action_roles[self.action]
        return self.read_role if request.method in SAFE_METHODS else self.write_role

    def get_queryset(self):
        return self.scope(super().get_queryset())

    def scope(self, queryset, organization_field=None):
        """Only what the caller may see (config.api.scoping); no caller, no rows (fail closed)."""
        user = self.request.user
        queryset = visible_to(user, queryset, organization_field or self.organization_field)
        if self.product_field:
            current = getattr(user, "current_product", None)
            queryset = queryset.filter(**{self.product_field: current() if current else None})
        return queryset

    def get_object(self):
        """The record by id among what the caller may see; anything else is a 404."""
        pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if pk is None:  # a collection route (e.g. DRF's OPTIONS metadata asks for the object of a PUT)
            raise Http404
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise Http404
        self.check_object_permissions(self.request, obj)
        return obj

    def record_from_param(self, queryset, raw_id, name, *, unknown_is_404=True):
        """A record named by an id parameter (not the path): a malformed id is a 422 naming the
        parameter; an id outside `queryset` (already scoped) is a 404, or a 422 when asked."""
        pk = parse_uuid(raw_id)
        if pk is None:
            raise InvalidInput.field(name, "is not a valid id")
        obj = queryset.filter(pk=pk).first()
        if obj is None:
            if unknown_is_404:
                raise Http404
            raise InvalidInput.field(name, "was not found")
        return obj

    def filter_queryset(self, queryset):
        """q[...], date ranges and sort_by: for list-like actions (they call it explicitly)."""
        return apply_list_params(
            queryset,
            self.request.query_params,
            search_fields=self.search_fields,
            sort_fields=self.sort_fields,
            date_field=self.date_field,
            default_sort=self.default_sort,
        )

    def count_rows(self, queryset):
        """The list's exact `total_count` (the paginator asks; a subclass may answer from a cache)."""
        return queryset.count()

    # --- bodies and responses ---
    def payload(self, name=None):
        return unwrap(self.request.data, name or self.resource_name)

    def serialize(self, instance, **kwargs):
        return self.get_serializer(instance, **kwargs).data

    def respond(self, instance, status=http.HTTP_200_OK, **kwargs):
        return Response({"data": self.serialize(instance, **kwargs)}, status=status)

    def respond_list(self, queryset, rows=None):
        """One page of `queryset` in the list envelope. `rows(queryset)` (optional) reads the
        page's records as the serializer wants them (e.g. plain rows with nested blocks), for the
        page alone (see `PagePagination.paginate_queryset`)."""
        page = self.paginator.paginate_queryset(queryset, self.request, view=self, rows=rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def validated(self, instance=None, partial=False, data=None, serializer_class=None, **kwargs):
        """Validate the (unwrapped) body with `input_serializer_class`; 422 on failure."""
        serializer_class = serializer_class or getattr(self, "input_serializer_class", None) or self.get_serializer_class()
        serializer = serializer_class(
            instance, data=self.payload() if data is None else data, partial=partial,
            context=self.get_serializer_context(), **kwargs,
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ReadOnlyResourceViewSet(ResourceViewSet):
    def list(self, request, *args, **kwargs):
        return self.respond_list(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())


class BulkDestroyMixin:
    """`DELETE /v2/<collection>` with `{"ids": [...]}` → `{"deleted", "ids", "not_found"}`.
    Subclasses may override `destroy_instances(instances)` to apply domain rules."""

    def bulk_destroy(self, request, *args, **kwargs):
        body = self.payload()
        raw_ids = body.get("ids", request.query_params.getlist("ids[]") or request.query_params.getlist("ids"))
        if not isinstance(raw_ids, list) or not all(isinstance(raw, str) for raw in raw_ids):
            raise InvalidInput.field("ids", "must be a list of ids (strings)")
        valid, malformed = split_uuids(raw_ids)
        found = list(self.get_queryset().filter(pk__in=valid))
        found_ids = {str(obj.pk) for obj in found}
        with transaction.atomic():
            self.destroy_instances(found)
        return Response(
            {
                "deleted": len(found),
                "ids": sorted(found_ids),
                "not_found": [str(i) for i in valid if str(i) not in found_ids] + malformed,
            }
        )

    def destroy_instances(self, instances):
        for instance in instances:
            instance.delete()

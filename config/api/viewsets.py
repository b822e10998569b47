"""The base viewsets every /v2 resource uses: scoping (fail closed), envelope, list parameters,
the CRUD actions (list, retrieve, create, update, destroy, bulk destroy) and role requirements
are written once here; a resource declares what differs (docs/resources.md)."""

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import Http404
from rest_framework import status as http
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from .errors import InvalidInput
from .filters import ListFilterBackend, ResourceFilterSet, filter_list
from .parsers import unwrap
from .scoping import visible_to
from .uuids import parse_uuid, split_uuids


class ResourceViewSet(GenericViewSet):
    """Declarations a subclass gives: `queryset`, `serializer_class`, `resource_name` (singular
    wrapper of request bodies), `filterset_class` (its `q[...]` columns and date column),
    `sort_fields`, `default_sort`, `read_role`, `write_role`, `action_roles` ({"action": "Role"}),
    `organization_field` (path to the owning organization; "pk" for the organization itself),
    `product_field` (scanning resources). The CRUD mixins below add theirs."""

    resource_name = None
    filterset_class = None
    search_fields = {}  # the older spelling of filterset_class: {column: ORM path or callable}
    sort_fields = ("created_at",)
    date_field = "created_at"
    default_sort = ("-created_at",)
    filter_backends = [ListFilterBackend]
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

    def get_filterset_class(self):
        return self.filterset_class or ResourceFilterSet.for_columns(self.search_fields, self.date_field)

    def filter_list(self, queryset, filterset_class, sort_fields, default_sort=("-created_at",)):
        """q[...], date ranges and sort_by for a nested list (a scan's runs, a webhook's
        deliveries) whose columns are not the resource's own."""
        return filter_list(queryset, self.request.query_params, filterset_class, sort_fields=sort_fields,
                           default_sort=default_sort, request=self.request, view=self)

    def check_write(self):
        """Called before every create, update and destroy (after the record is found): for
        rules beyond the role, e.g. a permission flag of the caller's plan."""

    def count_rows(self, queryset):
        """The list's exact `total_count` (the paginator asks; a subclass may answer from a cache)."""
        return queryset.count()

    # --- bodies and responses ---
    def payload(self, name=None):
        return unwrap(self.request.data, name or self.resource_name)

    def get_serializer(self, *args, **kwargs):
        """DRF's, without building a second context when one is given (DRF's `setdefault`
        builds the default context before it sees the given one)."""
        if "context" not in kwargs:
            kwargs["context"] = self.get_serializer_context()
        return self.get_serializer_class()(*args, **kwargs)

    def serialize(self, instance, **kwargs):
        return self.get_serializer(instance, **kwargs).data

    def respond(self, instance, status=http.HTTP_200_OK, **kwargs):
        context = self.records_context([instance])
        if context:
            kwargs["context"] = {**self.get_serializer_context(), **context}
        return Response({"data": self.serialize(instance, **kwargs)}, status=status)

    def respond_list(self, queryset, rows=None):
        """One page of `queryset` in the list envelope. `rows(queryset)` (default: the
        `list_rows` declaration) reads the page's records as the serializer wants them (e.g.
        plain rows with nested blocks), for the page alone (see `PagePagination.paginate_queryset`)."""
        page = self.paginator.paginate_queryset(queryset, self.request, view=self, rows=rows or self.list_rows)
        context = {**self.get_serializer_context(), **self.records_context(page)}
        return self.get_paginated_response(self.get_serializer(page, many=True, context=context).data)

    list_rows = None  # optional `list_rows(queryset) -> rows` for lists (config/api/rows.py)
    # With list_rows_shape and the default count_rows: send the count and the page's rows in one
    # round trip on PostgreSQL (config/api/page_rows.counted_page); a page past the end still
    # runs its (empty) rows query.
    count_with_page = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.count_with_page and (cls.count_rows is not ResourceViewSet.count_rows or hasattr(cls, "page_of")):
            raise ImproperlyConfigured(f"{cls.__name__}: count_with_page reads the plain count and page")

    def records_context(self, records):
        """Serializer context computed for the records shown at once (a page, or the one record),
        e.g. which of them are in use, in one query for all: override to add some."""
        return {}

    def validated(self, instance=None, partial=False, data=None, serializer_class=None, **kwargs):
        """Validate the (unwrapped) body with `input_serializer_class`; 422 on failure."""
        serializer_class = serializer_class or getattr(self, "input_serializer_class", None) or self.get_serializer_class()
        serializer = serializer_class(
            instance, data=self.payload() if data is None else data, partial=partial,
            context=self.get_serializer_context(), **kwargs,
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ListMixin:
    def list(self, request, *args, **kwargs):
        return self.respond_list(self.filter_queryset(self.get_queryset()))


class RetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())


class WriteDeclarations:
    """What the write mixins read. Services are plain functions, called as
    `create_service(actor, data)`, `update_service(actor, instance, data)` (returning the saved
    record) and `delete_service(actor, instances)` (a list: single and bulk deletes alike; without
    one, each record is deleted). `data` is the body validated by `create_serializer_class` /
    `input_serializer_class`."""

    create_serializer_class = None
    create_service = None
    update_service = None
    delete_service = None
    update_answers_empty = False  # PUT answers `{}` (users, organizations: conventions.md)
    reread_after_write = False  # answer with the record read again through get_queryset()

    def written(self, instance):
        return self.get_queryset().get(pk=instance.pk) if self.reread_after_write else instance

    def destroy_instances(self, instances):
        if self.delete_service is None:
            for instance in instances:
                instance.delete()
        else:
            type(self).delete_service(self.request.user, instances)


class CreateMixin(WriteDeclarations):
    def create(self, request, *args, **kwargs):
        self.check_write()
        data = dict(self.validated(serializer_class=self.create_serializer_class))
        instance = type(self).create_service(request.user, data)
        return self.respond(self.written(instance), status=http.HTTP_201_CREATED)


class UpdateMixin(WriteDeclarations):
    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        self.check_write()
        data = dict(self.validated(instance=instance, partial=True))
        instance = type(self).update_service(request.user, instance, data)
        return Response({}) if self.update_answers_empty else self.respond(self.written(instance))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)


class DestroyMixin(WriteDeclarations):
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.check_write()
        with transaction.atomic():
            self.destroy_instances([instance])
        return Response({})


class ReadOnlyResourceViewSet(ListMixin, RetrieveMixin, ResourceViewSet):
    pass


class ModelResourceViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyResourceViewSet):
    """A resource with every CRUD route; add BulkDestroyMixin for `DELETE /v2/<collection>`."""


class BulkDestroyMixin(WriteDeclarations):
    """`DELETE /v2/<collection>` with `{"ids": [...]}` → `{"deleted", "ids", "not_found"}`,
    through `delete_service` (or `destroy_instances`)."""

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

"""OpenAPI generation for /v2/schema: what drf-spectacular cannot guess from our base viewsets.

- request bodies come from `schema_requests` ({action: serializer}), `create_serializer_class`
  or `input_serializer_class` (the viewsets render with one serializer and validate with another); plain APIViews without a
  serializer document a free-form JSON object instead of failing;
- list endpoints (and the actions named in `list_actions`) document `page`/`per_page`, a
  `q[<column>]` for each filter of the view's FilterSet, the date range and `sort_by`;
- paths are documented without the optional trailing slash, as the contract writes them.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from .pagination import MAX_PER_PAGE

WRITE_ACTIONS = {"create", "update", "partial_update"}


def _query(name, description, type_=OpenApiTypes.STR, **kwargs):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=False, description=description, **kwargs)


class ResourceAutoSchema(AutoSchema):
    def _action(self):
        return getattr(self.view, "action", None)

    def _lists(self):
        return self._action() == "list" or self._action() in getattr(self.view, "list_actions", ())

    def _without_serializer(self):
        view = self.view
        return not isinstance(view, GenericAPIView) and not hasattr(view, "get_serializer")

    def get_request_serializer(self):
        declared = getattr(self.view, "schema_requests", {}).get(self._action())
        if declared is not None:
            return declared
        create_class = getattr(self.view, "create_serializer_class", None)
        if create_class is not None and self._action() == "create":
            return create_class
        input_class = getattr(self.view, "input_serializer_class", None)
        if input_class is not None and self._action() in WRITE_ACTIONS:
            return input_class
        if self._without_serializer():
            return OpenApiTypes.OBJECT if self.method in ("POST", "PUT", "PATCH") else None
        return _describable(super().get_request_serializer())

    def get_response_serializers(self):
        if self._without_serializer():
            return OpenApiTypes.OBJECT
        return _describable(super().get_response_serializers())

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if self._action() == "bulk_destroy":
            return operation_id.replace("_destroy", "_bulk_destroy")
        return operation_id

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET" and self._lists():
            parameters += self._list_parameters()
        return parameters

    def _list_parameters(self):
        view = self.view
        parameters = []
        if self._action() != "list":  # spectacular adds page/per_page to `list` itself
            parameters += [
                _query("page", "Page number (default 1)", OpenApiTypes.INT),
                _query("per_page", f"Rows per page (default 10, at most {MAX_PER_PAGE})", OpenApiTypes.INT),
            ]
        parameters += filterset_parameters(view)
        sortable = getattr(view, "sort_fields", ())
        if sortable:
            columns = ", ".join(sortable)
            parameters.append(_query("sort_by", f"`<column> asc|desc`, `<column>:desc` or `-<column>`; columns: {columns}"))
        parameters += [
            _query("date_range_start", "YYYY-MM-DD hh:mm:ss (UTC, inclusive) or ISO 8601"),
            _query("date_range_end", "YYYY-MM-DD hh:mm:ss (UTC, inclusive) or ISO 8601"),
            _query("relative_date_range", "Last N units (`10d`, `6h`, `1M`) or a quarter (`1q2020`)"),
        ]
        return parameters


def filterset_parameters(view):
    """One `q[<column>]` per filter of the view's FilterSet (its `help_text` when declared)."""
    get_filterset_class = getattr(view, "get_filterset_class", None)
    filterset_class = get_filterset_class() if get_filterset_class else None
    if filterset_class is None:
        return []
    return [
        _query(f"q[{column}]", filter_.extra.get("help_text")
               or f"Search {column}: `*` is a wildcard, quotes are stripped")
        for column, filter_ in filterset_class.base_filters.items()
    ]


def _describable(serializer):
    """A bare ResourceSerializer (a view that builds its bodies by hand) has no model to describe:
    document a JSON object rather than let one view break the whole schema."""
    cls = serializer if isinstance(serializer, type) else type(serializer)
    if isinstance(cls, type) and issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
        return OpenApiTypes.OBJECT
    return serializer


def strip_trailing_slashes(result, generator, request, public):
    """Postprocessing hook: `/v2/users/` → `/v2/users` (a trailing slash is accepted, not required)."""
    result["paths"] = {
        (path.rstrip("/") or "/"): operations for path, operations in result.get("paths", {}).items()
    }
    return result

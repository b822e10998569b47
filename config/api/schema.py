"""OpenAPI generation for /v2/schema: what drf-spectacular cannot guess from our base viewsets.

- request bodies come from `schema_requests` ({action: serializer}), `create_serializer_class`
  or `input_serializer_class` (the viewsets render with one serializer and validate with another); plain APIViews without a
  serializer document a free-form JSON object instead of failing;
- list endpoints (and the actions named in `list_actions`) document `page`/`per_page`, a
  `q[<column>]` for each filter of the view's FilterSet, the date range and `sort_by`;
- paths are documented without the optional trailing slash, as the contract writes them;
- every operation has a summary (its declared one, else its action's docstring, else one made
  from the action and the resource), its request body in the resource wrapper
  (`{"user": {...}}`; the bare object is accepted too), its real success body (the envelopes of
  config/api/schema_bodies.py, the `{}` answers, or the central table of config/api/schema_table.py)
  and its error responses (401, 403, 404, 409, 422) with the error body.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from . import schema_bodies as bodies
from . import schema_table as table
from .pagination import MAX_PER_PAGE
from .permissions import AllowAnyClient
from .schema_attributes import attributes_schema
from .serializers import ResourceSerializer

WRITE_ACTIONS = {"create", "update", "partial_update"}
PARTIAL_UPDATES = {"update", "update_me", "organization_update", "update_collection"}
SINGLE_ACTIONS = {"retrieve": "200", "create": "201", "update": "200", "partial_update": "200"}


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

    def _key(self):
        return f"{type(self.view).__name__}.{self._action() or self.method.lower()}"

    # --- summary ---
    def get_summary(self):
        declared = super().get_summary()
        if declared:
            return declared
        action = self._action()
        if self._key() in table.SUMMARIES:
            return table.SUMMARIES[self._key()]
        if action in table.STANDARD_SUMMARIES:
            one = self._resource_words()
            article = "an" if one[:1] in "aeiou" else "a"
            return table.STANDARD_SUMMARIES[action].format(one=one, a=article, many=self._collection_words())
        handler = getattr(self.view, action or self.method.lower(), None)
        doc = (getattr(handler, "__doc__", None) or "").strip()
        if doc:
            return doc.splitlines()[0].split(". ")[0].rstrip(".:")
        return (action or self.method.lower()).replace("_", " ").capitalize()

    def _resource_words(self):
        serializer = getattr(self.view, "serializer_class", None)
        name = getattr(self.view, "resource_name", None) or getattr(serializer, "resource_type", None)
        return (name or self._collection_words()).replace("_", " ")

    def _collection_words(self):
        segments = [s for s in self.path.strip("/").split("/") if s and not s.startswith("{")]
        return segments[-1].replace("_", " ") if segments else "records"

    # --- request body: the resource wrapper ---
    def _get_request_body(self, direction="request"):
        key = self._key()
        if key in table.REQUESTS or self._action() == "bulk_destroy":
            schema = table.REQUESTS.get(key, table.IDS)
            return None if schema is None else {"content": {"application/json": {"schema": schema}}, "required": True}
        body = super()._get_request_body(direction)
        name = table.WRAPPED_REQUESTS.get(key)
        if name is None and self._action() in WRITE_ACTIONS:
            name = getattr(self.view, "resource_name", None)
        json_body = (body or {}).get("content", {}).get("application/json")
        if json_body and name:
            json_body["schema"] = {
                "type": "object", "properties": {name: json_body["schema"]}, "required": [name],
                "description": f"The attributes wrapped in `{name}`; the bare attributes object is accepted too.",
            }
        return body

    def _get_request_for_media_type(self, serializer, direction="request"):
        """Updates validate partially (every field optional), PUT as PATCH: document them so."""
        if self.method != "PUT" or self._action() not in PARTIAL_UPDATES:
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PATCH"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PUT"

    # --- responses ---
    def _get_response_bodies(self, direction="response"):
        return {**self._success_responses(direction), **self._error_responses()}

    def _success_responses(self, direction):
        key, action = self._key(), self._action()
        declared = table.RESPONSES.get(key)
        if declared is not None:
            status, schema = declared
            return {status: self._declared(schema, direction)}
        if key in table.EMPTY_ANSWERS or action == "destroy":
            return {"200": bodies.json_response(bodies.ref(bodies.EMPTY), "`{}`")}
        if action == "bulk_destroy":
            return {"200": bodies.json_response(bodies.ref(bodies.DELETED))}
        if self._lists():
            item = self._item(self.get_response_serializers(), direction)
            return {"200": bodies.json_response(bodies.listed(item))}
        if action in SINGLE_ACTIONS:
            item = self._item(self.get_response_serializers(), direction)
            return {SINGLE_ACTIONS[action]: bodies.json_response(bodies.single(item))}
        responses = super()._get_response_bodies(direction)
        if "204" in responses:  # no route answers 204: deletes answer `{}`
            return {"200": bodies.json_response(bodies.ref(bodies.EMPTY), "`{}`")}
        return responses

    def _declared(self, schema, direction):
        """A table entry: a schema, FILE, or ("single"|"list", resource type)."""
        if schema == table.FILE:
            return {"description": "The file", "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}
        if isinstance(schema, tuple):
            shape, resource_type = schema
            item = table.item(resource_type)
            return bodies.json_response(bodies.single(item) if shape == "single" else bodies.listed(item))
        return bodies.json_response(schema)

    def _item(self, serializer, direction):
        cls = serializer if isinstance(serializer, type) else type(serializer)
        if not (isinstance(cls, type) and issubclass(cls, serializers.BaseSerializer)):
            return {"type": "object"}
        component = self.resolve_serializer(serializer, direction)
        attributes = component.ref if component else {"type": "object"}
        resource_type = getattr(cls, "resource_type", None)
        if component and set(component.schema.get("properties", {})) <= {"id"}:
            # built by hand in `attributes()`, not declared as fields: the table documents them
            attributes = attributes_schema(resource_type) or bodies.OPEN_ATTRIBUTES
        if issubclass(cls, ResourceSerializer):
            return bodies.resource_item(attributes, resource_type)
        return attributes

    def _error_responses(self):
        pre_login = any(isinstance(p, AllowAnyClient) for p in self.view.get_permissions())
        return bodies.error_responses(
            pre_login=pre_login, names_record="{" in self.path, writes=self.method != "GET",
            takes_input=self.method in ("POST", "PUT", "PATCH") or self._lists() or bool(self._get_parameters()),
        )

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

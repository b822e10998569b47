"""The bodies every /v2 operation shares, as OpenAPI schemas (conventions.md): the error body, the
resource envelope `{"data": {"id", "type", "attributes", "relationships"}}`, the list envelope
with `meta` and `links`, the bulk-delete answer and the documented empty `{}`. The AutoSchema
(config/api/schema.py) points operations at them; `add_shared_components` puts them in the
document."""

ERROR = "Error"
LIST_META = "ListMeta"
LIST_LINKS = "ListLinks"
DELETED = "BulkDeleted"
EMPTY = "Empty"


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties, required=None, **extra):
    return {"type": "object", "properties": properties, "required": list(required or properties), **extra}


STRING, INTEGER = {"type": "string"}, {"type": "integer"}
NULLABLE_STRING = {"type": "string", "nullable": True}

COMPONENTS = {
    ERROR: _object({
        "status": INTEGER, "status_text": STRING, "message": STRING,
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": STRING},
                   "description": "field or parameter name → messages"},
    }, description="The one error body of every 4xx/5xx answer (conventions.md)."),
    LIST_META: _object({"current_page": INTEGER, "per_page": INTEGER, "total_pages": INTEGER, "total_count": INTEGER}),
    LIST_LINKS: _object({"self": STRING, "first": STRING, "prev": NULLABLE_STRING, "next": NULLABLE_STRING,
                         "last": STRING}),
    DELETED: _object({"deleted": INTEGER, "ids": {"type": "array", "items": STRING},
                      "not_found": {"type": "array", "items": STRING, "description": "unknown, foreign or malformed ids"}}),
    EMPTY: {"type": "object", "maxProperties": 0, "description": "The documented empty answer `{}`."},
}

# Which errors an operation documents: every operation may answer 401 (no or bad API key or token);
# every one past the sign-in routes 403 (role, subscription); one naming a record 404; one taking a body or list parameters 422; a
# write 409 (the record's state forbids it).
ERROR_TEXTS = {
    "401": "Missing or invalid credentials (X-API-KEY and a bearer token)",
    "403": "The caller's role or subscription does not allow this",
    "404": "No such record among those the caller may see (also for a malformed id)",
    "409": "The record's current state does not allow this",
    "422": "A parameter or field is invalid; `errors` names it",
}


# The attributes of a serializer that builds them by hand (`attributes()`) and declares no fields.
OPEN_ATTRIBUTES = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}, "required": ["id"],
                   "additionalProperties": True, "description": "The resource's attributes (resources.md)."}


def error_responses(*, pre_login, names_record, takes_input, writes):
    codes = ["401"] if pre_login else ["401", "403"]
    codes += ["404"] if names_record else []
    codes += ["409"] if writes else []
    codes += ["422"] if takes_input else []
    return {code: {"description": ERROR_TEXTS[code], "content": {"application/json": {"schema": ref(ERROR)}}}
            for code in codes}


def resource_item(attributes, resource_type):
    """One rendered resource (config/api/serializers.py, ResourceSerializer)."""
    kind = {"type": "string", "enum": [resource_type]} if resource_type else STRING
    return _object({"id": {"type": "string", "format": "uuid"}, "type": kind, "attributes": attributes,
                    "relationships": {"type": "object", "additionalProperties": {
                        "type": "object", "properties": {"data": {"type": "object", "nullable": True}}}}},
                   required=["id", "type", "attributes"])


def single(item):
    return _object({"data": item})


def listed(item):
    return _object({"data": {"type": "array", "items": item}, "meta": ref(LIST_META), "links": ref(LIST_LINKS)})


def json_response(schema, description=""):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_shared_components(result, generator, request, public):
    """Postprocessing hook: the shared bodies above, in `components.schemas`."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    return result

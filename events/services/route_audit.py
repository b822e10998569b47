"""The audit record of every successful write through the /v2 and /auth API.

The middleware calls `start()` before the view runs (it knows the view class and the URL) and
`finish()` after a 2xx answer. The record names the viewset's resource type, the id from the URL
(or of the created resource), the action (create, update, delete, or the custom action's name)
and the changed fields. Changes come from the saves of the resource itself (a `pre_save` fetch
of the old row, at most once per request, and the saved instance), so a write costs a constant
number of extra queries: at most one to read the old row, one for its organization and the one
insert the middleware does at the end."""

import json
import logging
from dataclasses import dataclass, field

from rest_framework.views import APIView

from config.api.uuids import parse_uuid, split_uuids
from events import registry
from events.choices import AuditSource
from events.services.audit import new_row
from events.services.values import created, describe, diff, snapshot

logger = logging.getLogger("events")

ACTIONS = {"create": "create", "update": "update", "partial_update": "update", "destroy": "delete",
           "bulk_destroy": "delete", "update_collection": "update",
           # custom routes that create, change or delete their resource (resources.md, audit_event)
           "update_me": "update", "delete_me": "delete", "organization_update": "update",
           "create_customer": "create", "wizard": "create", "notification": "update",
           "start": "start_scan", "stop": "stop_scan"}
# POSTs that compute without changing anything (views may add more with `audit_exempt_actions`).
NOT_WRITES = {"calculate_hosts", "check_2fa"}
METHOD_ACTIONS = {"post": "create", "put": "update", "patch": "update", "delete": "delete"}


@dataclass
class Route:
    view_class: type
    action: str
    path: str
    model: type = None
    pk: object = None
    organization_field: str = "organization"
    before: dict = field(default_factory=dict)  # pk -> {attname: value} read before the change
    after: dict = field(default_factory=dict)  # pk -> {attname: value} as saved
    created: set = field(default_factory=set)
    bulk: dict = field(default_factory=dict)  # pk -> (organization id, name) for bulk deletes

    def watches(self, instance):
        if self.model is None or not isinstance(instance, self.model):
            return False
        if self.pk is not None:
            return instance.pk == self.pk
        # No id in the URL (create, /v2/user/...): the first record of the resource's model saved.
        return not self.after or instance.pk in self.after


def start(request, view_func, view_kwargs):
    view_class = getattr(view_func, "cls", None)
    if view_class is None or not issubclass(view_class, APIView) or getattr(view_class, "audit", True) is False:
        return None
    method = request.method.lower()
    actions = getattr(view_func, "actions", None) or {}
    action = actions.get(method) or _path_action(request.path, method)
    if action in NOT_WRITES or action in getattr(view_class, "audit_exempt_actions", ()):
        return None
    queryset = getattr(view_class, "queryset", None)
    lookup = getattr(view_class, "lookup_url_kwarg", None) or getattr(view_class, "lookup_field", "pk")
    route = Route(
        view_class=view_class, action=action, path=request.path,
        model=queryset.model if queryset is not None else None, pk=parse_uuid(view_kwargs.get(lookup)),
        organization_field=getattr(view_class, "organization_field", "organization"),
    )
    try:
        if route.model is not None and action in ("destroy",) and route.pk is not None:
            _read_rows(route, [route.pk])
        elif route.model is not None and action == "bulk_destroy":
            _read_rows(route, _body_ids(request))
    except Exception:
        logger.exception("reading the rows a delete removes failed")
    return route


def _path_action(path, method):
    """Plain API views (/auth/...): the last path segment names the action (`sign_out`)."""
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    return segment or METHOD_ACTIONS.get(method, method)


def _body_ids(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(body, dict):
        return []
    # `{"ids": [...]}`, or wrapped in the resource name (`{"user": {"ids": [...]}}`).
    ids = body.get("ids", next((v.get("ids") for v in body.values() if isinstance(v, dict)), None))
    return split_uuids(ids)[0][:1000] if isinstance(ids, list) else []


def _organization_path(route):
    return "pk" if route.organization_field == "pk" else route.organization_field


def _read_rows(route, ids):
    """(organization, name) of the records a delete is about to remove: one query."""
    if not ids:
        return
    names = [f.attname for f in route.model._meta.concrete_fields if f.attname in ("name", "username", "title", "email")]
    rows = route.model._default_manager.filter(pk__in=ids).values("pk", *names, _organization=_org_expression(route))
    for row in rows:
        route.bulk[row["pk"]] = (row["_organization"], describe(row))


def _org_expression(route):
    from django.db.models import F

    return F(_organization_path(route))


# --- the saves of the resource (pre_save/post_save receivers, see events.apps) ---------------

def before_save(route, sender, instance):
    if instance._state.adding or instance.pk in route.before or instance.pk is None:
        return
    names = [f.attname for f in sender._meta.concrete_fields]
    route.before[instance.pk] = sender._default_manager.filter(pk=instance.pk).values(*names).first() or {}


def after_save(route, instance, was_created):
    route.after[instance.pk] = snapshot(instance)
    if was_created:
        route.created.add(instance.pk)


# --- the record ------------------------------------------------------------------------------

def finish(route, request, response):
    """The audit rows for a finished request (none unless it answered 2xx)."""
    if not 200 <= response.status_code < 300:
        return []
    resource_type, response_id = _resource_type(route, request, response)
    action = ACTIONS.get(route.action, route.action)
    data = getattr(response, "data", None)
    if route.action == "bulk_destroy" and isinstance(data, dict) and "ids" in data:
        return [_row(route, action, resource_type, pk, {}, *route.bulk.get(parse_uuid(pk), (None, "")))
                for pk in data["ids"] or []]
    declared = getattr(request, "audit_resource", None) or {}  # views without an id to show set this
    pk = (route.pk or parse_uuid(declared.get("id")) or parse_uuid(response_id)
          or (_caller_pk(route, request) if resource_type == "user" else None) or next(iter(route.after), None)
          or _caller_pk(route, request))
    changes, values = _changes(route, pk)
    organization_id, name = route.bulk.get(pk, (declared.get("organization_id"), ""))
    if organization_id is None:
        organization_id = _organization_of(route, pk, values)
    return [_row(route, action, resource_type, pk, changes, organization_id, name or describe(values or {}))]


def _caller_pk(route, request):
    """The signed-in user's own routes (/v2/user/..., /auth/...) are about that user."""
    user = getattr(request, "user", None)
    if route.path.startswith(("/v2/user/", "/auth/")) and getattr(user, "is_authenticated", False):
        return user.pk
    return None


def _resource_type(route, request, response):
    if _caller_pk(route, request) is not None and route.path.startswith("/v2/user/") and route.pk is None:
        return "user", None  # the signed-in user's own routes are about that user
    data = getattr(response, "data", None)
    body = data.get("data") if isinstance(data, dict) else None
    response_type = body.get("type") if isinstance(body, dict) else None
    response_id = body.get("id") if isinstance(body, dict) else None
    declared = getattr(route.view_class, "audit_resource_type", None) or getattr(
        getattr(route.view_class, "serializer_class", None), "resource_type", None)
    if not declared and route.model is not None:
        declared = registry.resource_type_of(route.model)
    resource_type = declared or response_type or (
        "user" if route.path.startswith("/auth/") else route.path.strip("/").split("/")[-1])
    return resource_type, response_id if response_type == resource_type else None


def _changes(route, pk):
    saved = route.after.get(pk) or (next(iter(route.after.values())) if route.pk is None and route.after else None)
    if saved is None:
        return {}, route.before.get(pk)
    if pk in route.created or (route.pk is None and route.created):
        return created(saved), saved
    return diff(route.before.get(pk) or route.before.get(saved.get("id")), saved), saved


def _organization_of(route, pk, values):
    if route.model is not None and registry.is_organization(route.model) and pk is not None:
        return pk
    if values and values.get("organization_id"):
        return values["organization_id"]
    if route.model is None or pk is None:
        return None
    try:
        return route.model._default_manager.filter(pk=pk).values_list(_organization_path(route), flat=True).first()
    except Exception:  # an organization_field the model cannot follow
        return None


def _row(route, action, resource_type, pk, changes, organization_id, name):
    return new_row(
        action=action, source=AuditSource.API, organization_id=organization_id,
        resource_type=resource_type, resource_id=str(pk) if pk else "", resource_repr=name, changes=changes,
        data={"path": route.path[:200]},
    )

"""Request context for events: the request id (an incoming `X-Request-Id` when it is sane, else a
new one; always returned as `X-Request-Id`), the client address and user agent, and the audit
rows collected during the request, written in one insert when it ends."""

import logging

from events.context import RequestContext, activate, deactivate
from events.services import audit, route_audit
from events.services.audit import GENERIC_ACTIONS

logger = logging.getLogger("events")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = RequestContext(
            request_id=audit.parse_request_id(request.META.get("HTTP_X_REQUEST_ID", "")) or audit.new_request_id(),
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
            request=request,
        )
        request.request_id = context.request_id
        token = activate(context)
        try:
            response = self.get_response(request)
            self._record_route(context, request, response)
        finally:
            audit.flush(context)
            deactivate(token)
        response["X-Request-Id"] = context.request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        from events.context import current

        context = current()
        if context is not None and request.method not in SAFE_METHODS:
            context.route = route_audit.start(request, view_func, view_kwargs)

    @staticmethod
    def _record_route(context, request, response):
        if context.route is None:
            return
        try:
            rows = route_audit.finish(context.route, request, response)
        except Exception:
            logger.exception("building the audit record of %s %s failed", request.method, request.path)
            return
        if context.emitted:
            rows = _merge_with_emitted(context, rows)
        context.pending.extend(rows)


def _merge_with_emitted(context, rows):
    """Domain code that emitted an audit event for this request described it better (`sign_in`,
    `impersonate`): keep that one, with the route's changes, and drop the generic record of
    the same resource (or of a route that names no resource)."""
    kept = []
    emitted = {(kind, pk) for kind, pk in context.emitted}
    for row in rows:
        key = (row.resource_type, row.resource_id)
        if row.resource_id and key not in emitted:
            kept.append(row)
            continue
        for pending in context.pending:
            if (pending.resource_type, pending.resource_id) != key:
                continue
            if not pending.changes:
                pending.changes = row.changes
            if pending.action in GENERIC_ACTIONS and row.action in GENERIC_ACTIONS:
                pending.action = row.action  # the route knows a `*_saved` was a create
    return kept

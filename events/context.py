"""What the current request tells an event: its id, the client's address and user agent, who
is acting (and on whose behalf), plus the audit rows collected while it runs (written in one
insert when it ends). Set by events.middleware; None outside a request (worker, commands)."""

import contextvars
from dataclasses import dataclass, field

_current = contextvars.ContextVar("events_request_context", default=None)


@dataclass
class RequestContext:
    request_id: str
    ip: str | None = None
    user_agent: str = ""
    request: object = None  # the HttpRequest: DRF sets its `user` and `auth` once authenticated
    pending: list = field(default_factory=list)  # AuditEvent rows to insert at the end
    emitted: list = field(default_factory=list)  # (resource_type, resource_id) of emitted audit events
    route: object = None  # events.services.route_audit.Route for unsafe API calls

    @property
    def actor(self):
        user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None

    @property
    def impersonator_id(self):
        auth = getattr(self.request, "auth", None)
        return getattr(auth, "impersonator_id", None) or getattr(getattr(auth, "session", None), "impersonator_id", None)


def current():
    return _current.get()


def activate(context):
    return _current.set(context)


def deactivate(token):
    _current.reset(token)

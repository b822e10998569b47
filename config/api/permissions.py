"""Role-based access (conventions.md, Roles and permissions). Roles are ranked; a viewset says
which rank reads and which writes, per action where needed."""

from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import SAFE_METHODS, BasePermission

ROLES = ("Viewer", "User", "Manager", "Partner", "Admin")
ROLE_RANK = {name: rank for rank, name in enumerate(ROLES)}


def role_rank(role):
    return ROLE_RANK.get(role, -1)


def has_role(user, minimum):
    return bool(user and user.is_authenticated) and role_rank(getattr(user, "role", None)) >= role_rank(minimum)


class IsAuthenticatedRole(BasePermission):
    """Authenticated, and at least the role the view asks for this request (`required_role`).
    Views without `required_role` are readable by every role and writable from `User` up:
    a Viewer is read-only by default."""

    message = "Your role does not allow this action"

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            raise NotAuthenticated("Authentication credentials were not provided or are invalid")
        if request.method not in getattr(view, "allowed_methods", (request.method,)):
            return True  # DRF answers 405 for a method the route does not have, whatever the role
        required = getattr(view, "required_role", None)
        needed = required(request) if required else ("Viewer" if request.method in SAFE_METHODS else "User")
        return has_role(request.user, needed)


class AllowAnyClient(BasePermission):
    """Pre-login routes (/auth/...): the API-key gate of the authentication class still applies."""

    def has_permission(self, request, view):
        return True

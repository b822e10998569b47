"""The product's URLconf plus the bare comparison views (benchmark only, never in the product):
a plain Django `JsonResponse` over `.values()` of the same page, same order, about the same
columns, with no authentication, serializer or DRF in between."""

from django.http import JsonResponse
from django.urls import path

from accounts.models import User
from config.urls import handler404, handler500
from config.urls import urlpatterns as product_urlpatterns
from organizations.models import Organization
from organizations.models.organization import DETAIL_FIELDS as ORGANIZATION_DETAILS

USER_COLUMNS = (
    "id", "username", "role", "email", "locale", "timezone", "active_product", "organization_id",
    "organization__name", "confirmed", "created_at", "updated_at", "last_sign_in_at", "last_sign_in_ip",
    "sign_in_count", "otp_totp_enabled", "otp_sms_enabled", "otp_phone", "otp_default_method",
)
ORGANIZATION_COLUMNS = (
    "id", "name", "description", "company_name", "partner", "parent_id", "created_at", "updated_at",
    *ORGANIZATION_DETAILS,
)
# Named organization scopes (`?scope=<name>`) that the benchmark fills in, so that a bare view
# runs the same scoped query as a Partner caller does (the partner-tree subquery).
SCOPES = {}


def _page(request, queryset, organization_field, columns):
    per_page = min(int(request.GET.get("per_page", 10)), 100)
    scope = SCOPES.get(request.GET.get("scope"))
    if scope is not None:
        queryset = queryset.filter(**{f"{organization_field}__in": scope})
    rows = list(queryset.order_by("-created_at", "-pk").values(*columns)[:per_page])
    return JsonResponse({"data": rows})


def bare_users(request):
    return _page(request, User.objects.all(), "organization", USER_COLUMNS)


def bare_organizations(request):
    return _page(request, Organization.objects.all(), "pk", ORGANIZATION_COLUMNS)


def _resource_lists():
    """Bare views of the scanning and findings lists: (model, order, related columns, filters)."""
    from findings.models import Finding, Host
    from scanning.models import Scan, ScanRun, Target

    return {
        "targets": (Target, ("-created_at", "-pk"), ("port_list__name",), {}),
        "scans": (Scan, ("-created_at", "-pk"), ("target__name", "scan_profile__name", "scanner__name"), {}),
        "histories": (ScanRun, ("-created_at", "-pk"), (), {}),
        "vulnerabilities": (Finding, ("-severity", "-first_seen", "-pk"), ("check_info__name",), {"qod__gte": 70}),
        "hosts": (Host, ("-last_seen", "-pk"), (), {}),
    }


def bare_resource(request, resource):
    """The page of a Manager's list: its organization and product (`?scope=manager`), every column
    of the model plus the names of what the real list joins."""
    model, order, related, filters = _resource_lists()[resource]
    queryset = model.objects.filter(**SCOPES[request.GET["scope"]], **filters)
    if resource == "histories":
        queryset = queryset.filter(scan_id=request.GET["scan"])
    columns = [field.attname for field in model._meta.concrete_fields] + list(related)
    per_page = min(int(request.GET.get("per_page", 10)), 100)
    return JsonResponse({"data": list(queryset.order_by(*order).values(*columns)[:per_page])})


urlpatterns = [
    path("bench/users", bare_users),
    path("bench/organizations", bare_organizations),
    path("bench/<str:resource>", bare_resource),
    *product_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from accounts.api import urls as accounts_urls
from config.api.exceptions import json_error
from config.api.routers import ApiRouter
from events.api import urls as events_urls
from findings.api import urls as findings_urls
from organizations.api import urls as organizations_urls
from scanning.api import urls as scanning_urls

router = ApiRouter()
for app_urls in (accounts_urls, organizations_urls, scanning_urls, findings_urls, events_urls):
    app_urls.register(router)

urlpatterns = [
    path("admin/", admin.site.urls),
    # The schema and its docs are public (no API key): they describe the API, they expose no data.
    re_path(r"^v2/schema/?$", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]), name="schema"),
    re_path(
        r"^v2/docs/?$",
        SpectacularSwaggerView.as_view(url_name="schema", authentication_classes=[], permission_classes=[AllowAny]),
        name="docs",
    ),
    path("v2/", include(router.urls)),
    path("auth/", include(accounts_urls.auth_urlpatterns)),
    path("healthz", lambda request: JsonResponse({"status": "ok"}), name="healthz"),
    # Anything else under /v2 and /auth is the JSON 404 of the contract, with DEBUG on too (where
    # Django would otherwise answer with its HTML debug page).
    # csrf_exempt: a POST to an unknown path is a 404, never Django's HTML CSRF page.
    re_path(r"^(?:v2|auth)(?:/.*)?$", csrf_exempt(lambda request: handler404(request)), name="api-not-found"),
]


def handler404(request, exception=None):
    if request.path.startswith(("/v2", "/auth")):
        return json_error(404, "Record not found")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith(("/v2", "/auth")):
        return json_error(500, "Something went wrong on our side; it has been logged")
    from django.views.defaults import server_error

    return server_error(request)

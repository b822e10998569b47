"""The staff admin, branded as the product and opening on a dashboard (config/dashboard.py).

Installed through `config.apps.PlatformAdminConfig` (in INSTALLED_APPS in place of
`django.contrib.admin`), so every `@admin.register` lands on this site."""

from django.contrib import admin

from events.services.whitelabel import builtin, platform_default


def brand_name():
    """The platform's white-label default company name, else WHITELABEL_DEFAULT_COMPANY_NAME."""
    default = platform_default()
    return (default.company_name if default is not None else "") or builtin()["company_name"]


class PlatformAdminSite(admin.AdminSite):
    index_title = "Dashboard"

    def each_context(self, request):
        context = super().each_context(request)
        name = brand_name()
        context.update(site_header=f"{name} admin", site_title=f"{name} admin", brand_name=name)
        return context

    def index(self, request, extra_context=None):
        from config.dashboard import dashboard_data

        return super().index(request, {"dashboard": dashboard_data(), **(extra_context or {})})

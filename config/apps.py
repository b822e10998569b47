from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    """django.contrib.admin with the product's own site (config/admin_site.py)."""

    default_site = "config.admin_site.PlatformAdminSite"

"""Deployment checks of our own (`manage.py check --deploy`), next to Django's security.W*."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

DERIVED_KEYS = ("SECRET_KEY", "JWT_SECRET", "TOKEN_HASH_KEY")


@register(Tags.security, deploy=True)
def development_secret_key(app_configs, **kwargs):
    """The development key is printed in config/settings.py: anyone can sign tokens with it."""
    development = getattr(settings, "DEVELOPMENT_SECRET_KEY", None)
    using = [name for name in DERIVED_KEYS if development and getattr(settings, name, None) == development]
    keys = getattr(settings, "FIELD_ENCRYPTION_KEY", None) or []
    if development and development in (keys.split(",") if isinstance(keys, str) else keys):
        using.append("FIELD_ENCRYPTION_KEY")
    if not using:
        return []
    return [Warning(
        f"{', '.join(using)} use the public development key from config/settings.py.",
        hint="Set DJANGO_SECRET_KEY to a long random value (README, Production checklist).",
        id="config.W001",
    )]


@register(Tags.security, deploy=True)
def scanning_blocks_nothing(app_configs, **kwargs):
    """An empty SCAN_BLOCKED_NETWORKS lets every tenant scan this machine and its neighbours."""
    value = getattr(settings, "SCAN_BLOCKED_NETWORKS", None)
    if value is None or (value.strip() if isinstance(value, str) else value):
        return []
    return [Warning(
        "SCAN_BLOCKED_NETWORKS is empty: every organization may scan this host's loopback services.",
        hint="Unset it (the defaults) and give the organizations that need it an allowance in the admin "
             "(Organization → Scanning allowance; docs/scanning.md).",
        id="config.W002",
    )]

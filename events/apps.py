from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class EventsConfig(AppConfig):
    name = "events"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Events, notifications and webhooks"

    def ready(self):
        from django.contrib import admin

        from events.services.admin_audit import install

        # Every app's admin is registered by now (django.contrib.admin autodiscovers in its own
        # ready(), which runs first): wrap their logging hooks for the audit trail.
        install(admin.site)
        pre_save.connect(_before_save, dispatch_uid="events.audit.before_save")
        post_save.connect(_after_save, dispatch_uid="events.audit.after_save")


def _watching(instance):
    from events.context import current

    context = current()
    route = context.route if context is not None else None
    return route if route is not None and route.watches(instance) else None


def _before_save(sender, instance, raw=False, **kwargs):
    route = None if raw else _watching(instance)
    if route is not None:
        from events.services.route_audit import before_save

        before_save(route, sender, instance)


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    route = None if raw else _watching(instance)
    if route is not None:
        from events.services.route_audit import after_save

        after_save(route, instance, created)

"""Audit records for the Django admin. Every registered ModelAdmin's logging hooks
(log_addition, log_change, log_deletions) and its actions are wrapped once at start-up
(events.apps), so admins of every app are covered without inheriting anything. Field changes
come from the admin form (initial vs cleaned values), secrets masked."""

import logging

from events import registry
from events.choices import AuditSource
from events.services.audit import new_row, record
from events.services.values import masked

logger = logging.getLogger("events")


def install(site):
    for model_admin in list(site._registry.values()):
        wrap(model_admin)


def wrap(model_admin):
    if getattr(model_admin, "_audit_wrapped", False):
        return
    model_admin._audit_wrapped = True
    construct = model_admin.construct_change_message
    log_addition, log_change, log_deletions = (
        model_admin.log_addition, model_admin.log_change, model_admin.log_deletions)
    response_action = model_admin.response_action

    def construct_change_message(request, form, formsets, add=False):
        request._audit_form = form
        return construct(request, form, formsets, add)

    def audited_addition(request, obj, message):
        result = log_addition(request, obj, message)
        _record(request, "create", [obj], form_changes(request, created=True))
        return result

    def audited_change(request, obj, message):
        result = log_change(request, obj, message)
        _record(request, "update", [obj], form_changes(request))
        return result

    def audited_deletions(request, queryset):
        result = log_deletions(request, queryset)
        _record(request, "delete", list(queryset), {})
        return result

    def audited_action(request, queryset):
        response = response_action(request, queryset)
        name = request.POST.get("action", "")
        if response is not None and name and name != "delete_selected" and not _is_confirmation_page(response):
            selected = set(request.POST.getlist("_selected_action"))
            _record(request, name, [obj for obj in queryset if str(obj.pk) in selected], {})
        return response

    model_admin.construct_change_message = construct_change_message
    model_admin.log_addition = audited_addition
    model_admin.log_change = audited_change
    model_admin.log_deletions = audited_deletions
    model_admin.response_action = audited_action


def _is_confirmation_page(response):
    # An action that renders an intermediate page (a confirmation form) has not acted yet.
    return response.status_code == 200 and "text/html" in response.get("Content-Type", "")


def form_changes(request, created=False):
    form = getattr(request, "_audit_form", None)
    if form is None or not hasattr(form, "cleaned_data"):
        return {}
    changes = {}
    for name in form.changed_data:
        old = None if created else form.initial.get(name)
        new = form.cleaned_data.get(name)
        changes[name] = [masked(name, old), masked(name, new)]
    return changes


def _record(request, action, objects, changes):
    try:
        actor = request.user if getattr(request.user, "is_authenticated", False) else None
        record([
            new_row(
                action=action, source=AuditSource.ADMIN, actor=actor, organization_id=registry.organization_id_of(obj),
                resource_type=registry.resource_type_of(obj), resource_id=str(obj.pk), resource_repr=str(obj)[:255],
                changes=changes, data={"path": request.path[:200]},
            )
            for obj in objects
        ])
    except Exception:
        logger.exception("recording an admin %s failed", action)

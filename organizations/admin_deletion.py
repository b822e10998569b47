"""Deleting organizations from the admin with the service the API uses (remove_organization):
the same refusals, shown as error messages, and the owned rows deleted in a safe order instead
of Django's cascade, which stops at the PROTECT links between them (a scan protects its target).
The confirmation page counts the rows that go, by model, instead of listing them.

Django logs a deletion (LogEntry and, through events.services.admin_audit, the audit record)
before deleting; a refusal found while deleting would leave a record of a deletion that did not
happen. So the confirmed deletion runs here: first the service, then the log, in one transaction."""

import copy
from collections import Counter

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as confirm_delete_selected
from django.contrib.admin.utils import model_ngettext, unquote
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from config.api.errors import DomainError
from organizations.services import deletion_refusal, deletion_summary, remove_organization


class OrganizationDeletionMixin:
    def get_deleted_objects(self, objs, request):
        """What goes, by model and count; no protected rows: the service deletes them in order."""
        deleted, counts = [], Counter()
        for organization in objs:
            summary = deletion_summary(organization)
            deleted.append(f"{capfirst(self.opts.verbose_name)}: {organization}")
            deleted.append([f"{capfirst(model._meta.verbose_name_plural)}: {n}" for model, n in summary.items()])
            counts[self.opts.verbose_name_plural] += 1
            for model, n in summary.items():
                counts[model._meta.verbose_name_plural] += n
        return deleted, dict(counts), set(), []

    def delete_model(self, request, obj):
        remove_organization(request.user, obj)

    def delete_queryset(self, request, queryset):
        for organization in queryset:
            remove_organization(request.user, organization)

    def delete_view(self, request, object_id, extra_context=None):
        organization = self.get_object(request, unquote(object_id))
        if organization is None or not self.has_delete_permission(request, organization):
            return super().delete_view(request, object_id, extra_context)  # Django's redirect or 403
        change_page = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[organization.pk])
        if self._refused(request, [organization]):
            return redirect(change_page)
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)  # the confirmation page
        gone = copy.copy(organization)  # deleting clears the instance's primary key
        if not self._delete(request, [organization]):
            return redirect(change_page)
        return self.response_delete(request, str(gone), gone.pk)

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        organizations = list(queryset)
        if self._refused(request, organizations):
            return None  # back to the list, with the reasons
        if not request.POST.get("post"):
            return confirm_delete_selected(self, request, queryset)  # the confirmation page
        if self._delete(request, organizations):
            n = len(organizations)
            self.message_user(request, f"Successfully deleted {n} {model_ngettext(self.opts, n)}.", messages.SUCCESS)
        return None

    def _refused(self, request, organizations):
        refusals = [(o, deletion_refusal(request.user, o)) for o in organizations]
        for organization, refusal in refusals:
            if refusal:
                self.message_user(request, f"“{organization}” {refusal}.", messages.ERROR)
        return any(refusal for _, refusal in refusals)

    def _delete(self, request, organizations):
        """All or nothing: a refusal deletes nothing and logs nothing, and says why."""
        gone = [copy.copy(organization) for organization in organizations]  # keep their primary keys
        with transaction.atomic():
            for organization, name in zip(organizations, map(str, gone), strict=True):
                try:
                    self.delete_model(request, organization)
                except DomainError as error:
                    transaction.set_rollback(True)  # the organizations deleted before it come back
                    self.message_user(
                        request, f"“{name}” cannot be deleted, so nothing was: {error.message}", messages.ERROR
                    )
                    return False
            self.log_deletions(request, gone)
        return True

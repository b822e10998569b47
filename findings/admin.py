"""Staff pages for what scans found: the check catalogue, results per run and current findings
(read-only: scans and imports write them), the host inventory, and exceptions, whose every
change goes through findings.services.exceptions (the findings follow at once)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from config.api.errors import DomainError
from findings.admin_filters import HostIpFilter, NvtFilter
from findings.models import CheckInfo, Finding, FindingException, Host, Result
from findings.services import exceptions as exception_service
from findings.services.exception_fields import FIELDS, clean_fields


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CheckInfo)
class CheckInfoAdmin(ReadOnlyAdmin):
    list_display = ("nvt", "name", "family", "severity", "qod", "solution_type", "pci_fail", "source", "organization")
    list_filter = ("family", "source", "pci_fail", "solution_type")
    search_fields = ("nvt", "name", "cves")
    list_select_related = ("organization",)


class FindingRowAdmin(ReadOnlyAdmin):
    """What results and findings share: search by name, check id and CVE; the usual filters."""

    search_fields = ("name", "nvt", "check_info__cves")
    list_select_related = ("organization", "check_info")
    list_per_page = 50

    @admin.display(description="port", ordering="port")
    def port_label(self, row):
        return row.port_label

    @admin.display(description="family", ordering="check_info__family")
    def family(self, row):
        return row.check_info.family


@admin.register(Result)
class ResultAdmin(FindingRowAdmin):
    list_display = ("name", "nvt", "ip", "port_label", "severity", "severity_level", "qod", "delta", "family", "run",
                    "organization")
    list_filter = ("severity_level", "delta", "check_info__family", NvtFilter, HostIpFilter, "product")
    list_select_related = ("organization", "check_info", "run__scan")


@admin.register(Finding)
class FindingAdmin(FindingRowAdmin):
    list_display = ("name", "nvt", "ip", "port_label", "severity", "severity_level", "status", "qod", "family",
                    "last_seen", "organization")
    list_filter = ("severity_level", "status", "check_info__family", NvtFilter, HostIpFilter, "product")
    exclude = ("content_hash",)  # ingestion's bookkeeping, nothing a person reads
    list_select_related = ("organization", "check_info", "sighting")  # last_seen is the sighting's
    readonly_fields = ("last_seen", "last_run")  # the sighting's, shown with the finding's own fields

    @admin.display(description="last run")
    def last_run(self, row):
        return row.run_id


@admin.register(Host)
class HostAdmin(ReadOnlyAdmin):
    list_display = ("ip", "hostname", "os", "organization", "product", "vulnerability_count", "max_severity",
                    "last_seen", "findings_link")
    list_filter = ("product",)
    search_fields = ("ip", "hostname", "os")
    list_select_related = ("organization",)

    @admin.display(description="findings")
    def findings_link(self, host):
        return format_html('<a href="../finding/?host__id__exact={}">findings</a>', host.pk)


class ExceptionForm(forms.ModelForm):
    """Validated by the service's own rules, so the admin accepts exactly what the API does."""

    class Meta:
        model = FindingException
        fields = ("organization", "product", "text", "nvt", "hosts", "port", "scan", "new_severity", "end_time", "active")

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization") or getattr(self.instance, "organization", None)
        if organization is None:
            return cleaned
        data = {name: cleaned[name] for name in FIELDS if name in cleaned}
        try:
            self.service_fields = clean_fields(organization, cleaned.get("product") or self.instance.product, data,
                                               creating=self.instance.pk is None)
        except DomainError as error:
            raise ValidationError({name: messages_ for name, messages_ in error.errors.items()
                                   if name in self.fields} or error.message) from error
        return cleaned


@admin.register(FindingException)
class FindingExceptionAdmin(admin.ModelAdmin):
    form = ExceptionForm
    list_display = ("nvt", "text", "organization", "product", "new_severity", "active", "end_time", "expired_at",
                    "affected_count", "created_at")
    list_filter = ("active", "product", NvtFilter)
    search_fields = ("nvt", "text")
    list_select_related = ("organization",)
    readonly_fields = ("expired_at", "affected_count", "created_by", "created_at", "updated_at")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("scan",)
    actions = ["activate", "reset"]

    def get_readonly_fields(self, request, obj=None):
        # The owner of an exception does not change (its findings are that organization's).
        return (*self.readonly_fields, "organization", "product") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            stored = FindingException.objects.get(pk=obj.pk)
            changed = {name: value for name, value in form.service_fields.items() if name in form.changed_data}
            saved = exception_service.update_exception(request.user, stored, changed)
        else:
            saved = exception_service.create_exception(request.user, obj.organization, obj.product, form.service_fields)
        obj.pk, obj.affected_count = saved.pk, saved.affected_count

    def delete_model(self, request, obj):
        exception_service.delete_exceptions(request.user, [obj])

    def delete_queryset(self, request, queryset):
        exception_service.delete_exceptions(request.user, list(queryset))

    @admin.action(description="Activate selected exceptions")
    def activate(self, request, queryset):
        self._switch(request, queryset, True, "{count} exception(s) activated.")

    @admin.action(description="Reset selected exceptions (findings get their original severity back)")
    def reset(self, request, queryset):
        self._switch(request, queryset, False, "{count} exception(s) reset.")

    def _switch(self, request, queryset, active, done):
        try:
            changed = exception_service.set_active(request.user, list(queryset), active)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, done.format(count=changed), messages.SUCCESS if changed else messages.INFO)

"""Staff pages for reports: each report with its files (download, regenerate) and advanced
reports; regeneration goes through the same service (and the task queue) as the API."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from config.admin_actions import apply_to_each
from reports.choices import ReportFormat, ReportType
from reports.models import AdvancedReport, Report, ReportFile
from reports.services.advanced import delete_advanced_reports
from reports.services.generate import request_file
from reports.services.records import delete_reports


class FileInline(admin.TabularInline):
    model = ReportFile
    fields = ("format", "type", "status", "size", "sha256", "generated_at", "error", "download")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="File")
    def download(self, file):
        if not file.file or file.status != "ready":
            return "—"
        return format_html('<a href="{}">download</a>', reverse("admin:reports_reportfile_download", args=[file.pk]))


def regenerate_action(fmt, report_type):
    def action(model_admin, request, queryset):
        apply_to_each(model_admin, request, queryset, lambda owner: request_file(owner, fmt, report_type, actor=request.user),
                      f"{{count}} {report_type} {fmt.upper()} file(s) queued.")

    action.__name__ = f"generate_{report_type}_{fmt}"
    action.short_description = f"Generate {ReportType(report_type).label} ({fmt.upper()})"
    return action


GENERATE = [regenerate_action(fmt, t) for t in ReportType.values for fmt in (ReportFormat.PDF, ReportFormat.CSV)]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("scan", "organization", "product", "pci_status", "counts", "host_count", "created_at", "files_ready")
    list_filter = ("pci_status", "product", "organization")
    search_fields = ("scan__name", "organization__name")
    list_select_related = ("scan", "organization")
    readonly_fields = ("id", "organization", "product", "scan", "run", "status", "pci_status", "severity_counts",
                       "max_severity", "host_count", "created_at", "updated_at")
    inlines = [FileInline]
    actions = GENERATE + ["delete_with_files"]

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return super().get_queryset(request).annotate(ready=Count("files", filter=Q(files__status="ready")))

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # files go with their report: delete_with_files
        return actions

    @admin.display(description="High / medium / low / log")
    def counts(self, report):
        c = report.severity_counts or {}
        return " / ".join(str(c.get(level, 0)) for level in ("high", "medium", "low", "log"))

    @admin.display(description="Files ready", ordering="ready")
    def files_ready(self, report):
        return report.ready

    @admin.action(description="Delete selected reports and their files")
    def delete_with_files(self, request, queryset):
        count = delete_reports(request.user, list(queryset))
        self.message_user(request, f"{count} report(s) deleted with their files.")


@admin.register(AdvancedReport)
class AdvancedReportAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "product", "group_by", "format", "type", "last_generated_at")
    list_filter = ("group_by", "format", "type", "product")
    search_fields = ("name", "organization__name")
    list_select_related = ("organization",)
    readonly_fields = ("id", "organization", "product", "created_by", "filters", "last_generated_at", "created_at", "updated_at",
                       "file_links")
    fields = ("name", "description", "group_by", "format", "type", "filters", "file_links", "organization", "product",
              "created_by", "last_generated_at", "created_at", "updated_at")
    actions = ["generate_now", "delete_with_files"]

    def has_add_permission(self, request):
        return False  # definitions are made by their organization's users (the filters are checked there)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Files")
    def file_links(self, report):
        files = [f for f in report.files.all() if f.status == "ready"]
        if not files:
            return "—"
        return format_html_join(", ", '<a href="{}">{}.{}</a>', (
            (reverse("admin:reports_reportfile_download", args=[f.pk]), f.type, f.format) for f in files))

    @admin.action(description="Generate with the saved format and type")
    def generate_now(self, request, queryset):
        apply_to_each(self, request, queryset, lambda r: request_file(r, r.format, r.type, actor=request.user),
                      "{count} advanced report file(s) queued.")

    @admin.action(description="Delete selected advanced reports and their files")
    def delete_with_files(self, request, queryset):
        count = delete_advanced_reports(request.user, list(queryset))
        self.message_user(request, f"{count} advanced report(s) deleted with their files.")


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    """Not in the menu: the download view of report files, for staff."""

    def has_module_permission(self, request):
        return False

    def get_urls(self):
        from django.urls import path

        return [path("<uuid:pk>/download/", self.admin_site.admin_view(self.download), name="reports_reportfile_download")]

    def download(self, request, pk):
        from django.http import FileResponse, Http404

        from reports.choices import CONTENT_TYPES
        from reports.services.generate import download_name, open_for_download

        file = ReportFile.objects.select_related("report__organization", "advanced_report__organization").filter(
            pk=pk, status="ready").first()
        if file is None or not request.user.has_perm("reports.view_report"):
            raise Http404
        return FileResponse(open_for_download(file, request.user), as_attachment=True, filename=download_name(file),
                            content_type=CONTENT_TYPES[file.format])



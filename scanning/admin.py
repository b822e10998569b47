from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from config.admin_actions import apply_to_each
from config.admin_forms import ServiceAdminMixin
from scanning.admin_forms import PortListForm, ScheduleForm, TargetForm
from scanning.models import PortList, RunHost, Scan, Scanner, ScanProfile, ScanRun, Schedule, Target
from scanning.services.runs import start_scan, stop_scan


@admin.register(Target)
class TargetAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = TargetForm
    list_display = ("name", "organization", "product", "host_count", "port_list", "alive_test", "created_at")
    list_filter = ("product", "alive_test", "organization")
    search_fields = ("name", "hosts", "organization__name")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization", "port_list")
    readonly_fields = ("id", "host_count", "credentials_public", "created_by", "created_at", "updated_at")
    fields = ("id", "name", "organization", "product", "hosts", "exclude_hosts", "host_count", "port_list",
              "alive_test", "comment", "credentials_public", "created_by", "created_at", "updated_at")


@admin.register(PortList)
class PortListAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = PortListForm
    list_display = ("name", "organization", "predefined", "tcp_count", "udp_count")
    list_filter = ("predefined",)
    search_fields = ("name",)
    readonly_fields = ("id", "predefined", "tcp_count", "udp_count", "created_by", "created_at", "updated_at")
    fields = ("id", "name", "organization", "predefined", "port_ranges", "tcp_count", "udp_count", "comment",
              "created_by", "created_at", "updated_at")


@admin.register(Scanner)
class ScannerAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "organization", "status", "version", "queue_name", "predefined")
    list_filter = ("type", "status", "predefined")
    search_fields = ("name", "host")
    readonly_fields = ("id", "status", "version", "last_seen_at", "created_at", "updated_at")
    exclude = ("credential_encrypted",)


@admin.register(ScanProfile)
class ScanProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "check_count", "active", "predefined")


@admin.register(Schedule)
class ScheduleAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ScheduleForm
    list_display = ("name", "organization", "frequency", "interval", "timezone", "next_run_at")
    list_filter = ("frequency", "product")
    search_fields = ("name",)
    readonly_fields = ("id", "next_run_at", "created_by", "created_at", "updated_at")
    fields = ("id", "name", "organization", "product", "start_at", "timezone", "frequency", "interval", "by_weekday",
              "by_monthday", "until", "count", "duration", "next_run_at", "created_by", "created_at", "updated_at")


class RunInline(admin.TabularInline):
    model = ScanRun
    fields = ("status", "progress", "triggered_by", "started_at", "finished_at", "hosts_alive", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "product", "target", "status", "progress", "last_run_at", "next_run_at")
    list_filter = ("status", "product", "organization")
    search_fields = ("name", "target__name", "organization__name")
    list_select_related = ("organization", "target")
    readonly_fields = ("id", "status", "progress", "last_run_at", "next_run_at", "run_count", "last_history",
                       "severity_summary", "max_severity", "pci_status", "findings_links", "created_at", "updated_at")
    inlines = [RunInline]

    @admin.display(description="severity counts")
    def severity_summary(self, scan):
        return severity_summary(scan.severity_counts)

    @admin.display(description="findings")
    def findings_links(self, scan):
        if scan.pk is None:
            return "-"
        current = reverse("admin:findings_finding_changelist") + f"?scan__id__exact={scan.pk}"
        latest = reverse("admin:findings_result_changelist") + f"?run__id__exact={scan.last_history_id}"
        if not scan.last_history_id:
            return format_html('<a href="{}">Current findings</a>', current)
        return format_html('<a href="{}">Current findings</a> · <a href="{}">Results of the latest run</a>', current, latest)
    actions = ["start", "stop"]

    @admin.action(description="Start selected scans")
    def start(self, request, queryset):
        self._apply(request, queryset, lambda scan: start_scan(scan, request.user), "started")

    @admin.action(description="Stop selected scans")
    def stop(self, request, queryset):
        self._apply(request, queryset, lambda scan: stop_scan(scan, request.user), "asked to stop")

    def _apply(self, request, queryset, change, verb):
        apply_to_each(self, request, queryset, change, "{count} scan(s) " + verb + ".")


class RunHostInline(admin.TabularInline):
    """The run's hosts, each with its open ports as a table (service, product, version, CPE, TLS)."""

    model = RunHost
    verbose_name_plural = "hosts and open ports"
    fields = ("ip", "hostname", "alive", "os", "open_ports")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="open ports")
    def open_ports(self, host):
        ports = [port for port in host.ports or [] if isinstance(port, dict)]
        return render_to_string("admin/platform/port_table.html", {"ports": ports})


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    list_display = ("scan", "organization", "status", "progress", "triggered_by", "started_at", "finished_at", "error")
    list_filter = ("status", "triggered_by")
    search_fields = ("scan__name",)
    list_select_related = ("scan", "organization")
    readonly_fields = ("severity_summary", "results_table")
    inlines = [RunHostInline]

    @admin.display(description="severity counts")
    def severity_summary(self, run):
        return severity_summary(run.severity_counts)

    @admin.display(description="results")
    def results_table(self, run):
        """The run's most severe results (all of them behind the link: a run may hold thousands)."""
        from findings.models import Result

        rows = Result.objects.filter(run=run).order_by("-severity", "nvt", "ip")[:RESULTS_SHOWN]
        link = reverse("admin:findings_result_changelist") + f"?run__id__exact={run.pk}"
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                ((r.severity, r.severity_level, r.name, r.nvt, r.ip, r.port_label) for r in rows))
        return format_html(
            '<table class="run-results"><thead><tr><th>severity</th><th>level</th><th>name</th><th>nvt</th>'
            '<th>host</th><th>port</th></tr></thead><tbody>{}</tbody></table><p><a href="{}">Every result of this run</a></p>',
            body, link,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


RESULTS_SHOWN = 100


def severity_summary(counts):
    counts = counts or {}
    return ", ".join(f"{level} {counts.get(level, 0)}" for level in ("high", "medium", "low", "log", "false_positive"))

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse

from config.admin_forms import ServiceAdminMixin
from organizations.admin_deletion import OrganizationDeletionMixin
from organizations.admin_forms import OrganizationForm
from organizations.admin_subscriptions import SubscriptionInline
from organizations.models import Organization
from organizations.services import csv_lines
from organizations.services.export import record_export


class MemberInline(admin.TabularInline):
    model = get_user_model()
    fields = ("username", "email", "role", "is_active", "last_sign_in_at")
    readonly_fields = ("last_sign_in_at",)
    extra = 0
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(ServiceAdminMixin, OrganizationDeletionMixin, admin.ModelAdmin):
    form = OrganizationForm
    list_display = ("name", "company_name", "partner", "parent", "country", "created_at")
    list_filter = ("partner", "is_staff_organization", "country")
    search_fields = ("name", "company_name", "email", "contact_email")
    autocomplete_fields = ("parent",)
    readonly_fields = ("id", "created_at", "updated_at")
    list_select_related = ("parent",)
    inlines = [MemberInline, SubscriptionInline]
    actions = ["delete_selected", "export_csv"]  # delete_selected: through the service (admin_deletion)
    fieldsets = (
        (None, {"fields": ("id", "name", "company_name", "description", "partner", "is_staff_organization", "parent")}),
        ("Details", {"fields": ("address", "city", "state", "zipcode", "country", "phone", "website", "email")}),
        ("Contact", {"fields": ("contact_name", "contact_title", "contact_phone", "contact_email")}),
        ("Scanning", {"fields": ("scan_allowed_networks",)}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )

    @admin.action(description="Export selected organizations to CSV")
    def export_csv(self, request, queryset):
        record_export(request.user, "admin", queryset.count())
        response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="organizations.csv"'
        return response

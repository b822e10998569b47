from django.contrib import admin, messages
from django.db import models

from config.admin_forms import ServiceAdminMixin
from config.api.errors import DomainError
from events.admin_forms import WebhookForm
from events.admin_paginator import LargeTablePaginator
from events.models import AuditEvent, Notification, Webhook, WebhookDelivery, Whitelabel
from events.services import webhooks as webhook_service
from events.services.whitelabel import FIELDS as BRANDING_FIELDS


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events are append-only. No full count of the (big) table."""

    list_display = ("created_at", "action", "actor_username", "impersonator_username", "resource_type",
                    "resource_repr", "organization_id", "ip", "source")
    list_filter = ("source", "action", "resource_type")
    search_fields = ("=actor_username", "=resource_id", "=request_id", "=ip")
    date_hierarchy = None
    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "read", "seen", "created_at")
    list_filter = ("kind", "read", "seen")
    search_fields = ("title", "user__username", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("id", "event", "dedupe_key", "read_at", "seen_at", "created_at", "updated_at")


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fk_name = "webhook"
    fields = ("created_at", "event", "status", "attempts", "response_status", "duration_ms", "error", "next_attempt_at")
    readonly_fields = fields
    ordering = ("-created_at",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at")


@admin.register(Webhook)
class WebhookAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = WebhookForm
    list_display = ("name", "organization", "url", "state", "active", "last_status", "last_delivery_at")
    list_filter = ("state", "active", "include_customers")
    search_fields = ("name", "url", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    readonly_fields = ("id", "created_by", "secret_set", "state", "failing_since", "last_delivery_at", "last_status",
                       "created_at", "updated_at")
    fields = ("id", "name", "organization", "created_by", "url", "events", "active", "include_customers",
              "secret_set", "new_secret", "clear_secret", "state", "failing_since", "last_delivery_at", "last_status", "created_at", "updated_at")
    inlines = [DeliveryInline]
    actions = ["send_test_ping", "redeliver_failed"]

    @admin.display(boolean=True, description="secret set")
    def secret_set(self, obj):
        return obj.secret_set

    def get_readonly_fields(self, request, obj=None):
        # The service does not move a webhook to another organization: chosen when adding only.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "organization") if obj is not None else fields

    @admin.action(description="Send a test ping now")
    def send_test_ping(self, request, queryset):
        for webhook in queryset:
            delivery = webhook_service.ping(webhook, actor=request.user)
            level = messages.SUCCESS if delivery.succeeded else messages.WARNING
            self.message_user(request, f"{webhook}: ping {delivery.status} "
                                       f"({delivery.response_status or delivery.error or 'no answer'})", level)

    @admin.action(description="Redeliver the failed deliveries of the last day")
    def redeliver_failed(self, request, queryset):
        from datetime import timedelta

        from django.utils import timezone

        since = timezone.now() - timedelta(days=1)
        failed = WebhookDelivery.objects.filter(webhook__in=queryset, succeeded=False, created_at__gte=since)
        count = sum(1 for delivery in failed if webhook_service.redeliver(delivery))
        self.message_user(request, f"{count} deliveries queued again.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "webhook", "status", "attempts", "response_status", "duration_ms")
    list_filter = ("event", "succeeded", "is_test")
    search_fields = ("=id", "webhook__name")
    list_select_related = ("webhook",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Redeliver (a new delivery with the same event and data)")
    def redeliver(self, request, queryset):
        for delivery in queryset.select_related("webhook"):
            webhook_service.redeliver(delivery)
        self.message_user(request, f"{queryset.count()} deliveries queued again.")


@admin.register(Whitelabel)
class WhitelabelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "platform_default", "custom_domain", "updated_at")
    search_fields = ("company_name", "custom_domain", "organization__name")
    autocomplete_fields = ("organization",)
    readonly_fields = ("id", "platform_default", "created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("id", "organization", "platform_default", *BRANDING_FIELDS, "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        from events.services.logo import clean_logo

        try:
            obj.logo = clean_logo(obj.logo)
        except DomainError as error:
            messages.error(request, f"Logo not saved: {error.message}")
            obj.logo = ""
        super().save_model(request, obj, form, change)

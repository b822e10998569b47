from dateutil.relativedelta import relativedelta
from django.contrib import admin, messages

from config.api.errors import DomainError
from organizations.models import Plan, PlanFeature, Product, Subscription
from organizations.services.subscriptions import unsubscribe, update_subscription


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position")
    search_fields = ("code", "name")


class PlanFeatureInline(admin.TabularInline):
    model = PlanFeature
    extra = 1


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product", "kind", "default", "default_interval", "price", "active")
    list_filter = ("product", "kind", "default", "active")
    search_fields = ("code", "name")
    inlines = [PlanFeatureInline]
    readonly_fields = ("id", "created_at", "updated_at")


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ("plan", "status", "interval", "start_date", "end_date", "auto_renewal")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("organization", "plan", "product", "status", "interval", "start_date", "end_date", "auto_renewal")
    list_filter = ("status", "product", "interval", "auto_renewal", "organization")
    search_fields = ("organization__name", "plan__code")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization", "plan", "product")
    readonly_fields = ("id", "created_at", "updated_at")
    actions = ["cancel", "extend_one_month"]

    @admin.action(description="Cancel selected subscriptions")
    def cancel(self, request, queryset):
        self._apply(request, queryset, lambda s: unsubscribe(None, s, "Cancelled by staff"))

    @admin.action(description="Extend selected subscriptions by one month")
    def extend_one_month(self, request, queryset):
        def extend(subscription):
            base = subscription.end_date or subscription.start_date
            update_subscription(None, subscription, {"end_date": base + relativedelta(months=1)})

        self._apply(request, queryset, extend)

    def _apply(self, request, queryset, change):
        done = 0
        for subscription in queryset.select_related("organization", "product"):
            try:
                change(subscription)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{subscription}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} subscription(s) updated.", messages.SUCCESS)

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import admin
from django.db import transaction

from config.admin_actions import apply_to_each
from config.api.errors import DomainError
from organizations.models import Plan, PlanFeature, Product, Subscription
from organizations.services.subscriptions import PlanRequest, subscribe, unsubscribe, update_subscription


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position")
    search_fields = ("code", "name")


class PlanFeatureInline(admin.TabularInline):
    model = PlanFeature
    extra = 1


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product", "kind", "audience", "default", "default_interval", "price", "active")
    list_filter = ("product", "kind", "audience", "default", "active")
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


class SubscriptionAddForm(forms.ModelForm):
    """Adding goes through the subscribe service (dates, limits, one live per product), so a
    subscription made here is the one the API would make. Open-plan limits are edited after."""

    class Meta:
        model = Subscription
        fields = ("organization", "plan", "interval", "start_date", "end_date", "auto_renewal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("interval", "start_date"):
            self.fields[name].required = False
        self.fields["interval"].help_text = "Empty: the plan's default interval."
        self.fields["start_date"].help_text = "Empty: today."
        self.fields["end_date"].help_text = "Empty: computed from the interval."

    def validate_unique(self):
        pass  # the service reports a second live subscription with a clear message

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        request = PlanRequest(
            plan=data["plan"], interval=data.get("interval") or None, start_date=data.get("start_date"),
            end_date=data.get("end_date"), auto_renewal=data.get("auto_renewal", False),
        )
        try:
            with transaction.atomic():  # the admin's own transaction undoes it if saving fails later
                self.subscription = subscribe(None, data["organization"], request)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return data


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("organization", "plan", "product", "status", "interval", "start_date", "end_date", "auto_renewal")
    list_filter = ("status", "product", "interval", "auto_renewal", "organization")
    search_fields = ("organization__name", "plan__code")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization", "plan", "product")
    readonly_fields = ("id", "created_at", "updated_at")
    actions = ["cancel", "extend_one_month"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SubscriptionAddForm
            kwargs["fields"] = SubscriptionAddForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": SubscriptionAddForm.Meta.fields})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def save_form(self, request, form, change):
        return form.save(commit=False) if change else form.subscription

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

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
        apply_to_each(self, request, queryset.select_related("organization", "product"), change,
                      "{count} subscription(s) updated.")

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.admin_actions import ACTIONS, IdentityDisplayMixin
from accounts.models import ApiKey, User
from accounts.services.api_keys import assign_new_secret
from accounts.services.users import deletion_blockers


@admin.register(User)
class UserAdmin(IdentityDisplayMixin, BaseUserAdmin):
    list_display = (
        "username", "email", "role", "organization", "is_active", "confirmed", "two_factor", "locked", "last_sign_in_at",
    )
    actions = ACTIONS
    list_filter = ("role", "is_active", "confirmed", "is_staff", "organization__partner", "organization")
    search_fields = ("username", "email", "first_name", "last_name", "organization__name")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization",)
    ordering = ("username",)
    readonly_fields = (
        "id", "created_at", "updated_at", "last_login", "date_joined", "last_sign_in_at", "last_sign_in_ip",
        "sign_in_count", "two_factor_state", "access_token_created_at", "invited_at",
    )
    fieldsets = (
        (None, {"fields": ("id", "username", "password")}),
        ("Organization and role", {"fields": ("organization", "role", "active_product")}),
        ("Personal info", {"fields": (
            "first_name", "last_name", "email", "locale", "timezone", "phone", "mobile_phone", "url",
            "title", "address", "city", "state", "country", "zipcode", "comment",
        )}),
        ("Status", {"fields": ("is_active", "confirmed", "is_staff", "is_superuser", "locked_until")}),
        ("Security", {"fields": ("two_factor_state", "access_token_created_at", "invited_at")}),
        ("Activity", {"fields": (
            "sign_in_count", "last_sign_in_at", "last_sign_in_ip", "last_login", "date_joined", "created_at", "updated_at",
        )}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "organization", "role", "password1", "password2")}),
    )

    def get_deleted_objects(self, objs, request):
        """The API's refusals (an organization's last Manager, the last Admin) shown as protected
        rows: Django then refuses the deletion, on the delete page and in the bulk action."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        users = list(objs)
        refusals = [f"{user}: {reason}" for user in users for reason in deletion_blockers(user, leaving=users)]
        return deleted, counts, perms_needed, [*protected, *refusals]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "organization", "user", "active", "expires_at", "last_used_at", "created_at")
    list_filter = ("active", "organization")
    search_fields = ("name", "prefix", "organization__name", "user__username")
    autocomplete_fields = ("organization", "user")
    readonly_fields = ("id", "prefix", "last_used_at", "created_at", "updated_at")
    list_select_related = ("organization", "user")
    fields = ("id", "name", "organization", "user", "prefix", "allowed_networks", "expires_at", "active",
              "last_used_at", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        secret = None if change else assign_new_secret(obj)
        super().save_model(request, obj, form, change)
        if secret:
            messages.warning(
                request, f"The new API key is: {secret} — copy it now, it will not be shown again.",
            )

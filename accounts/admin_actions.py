"""UserAdmin actions and read-only displays for identity: two-factor state and reset,
invitations, confirmation e-mails, lock/unlock. Each action calls the same service the API
uses; domain errors become admin messages."""

from django.contrib import admin, messages
from django.utils import timezone

from accounts.services import confirmation, invitations, lockout, mfa, recovery_codes
from config.api.errors import DomainError


def _each(modeladmin, request, queryset, verb, apply):
    done, failed = 0, []
    for user in queryset.select_related("organization"):
        try:
            result = apply(user)
        except DomainError as exc:
            failed.append(f"{user.username}: {exc.message}")
            continue
        done += result is not False
    if done:
        modeladmin.message_user(request, f"{verb}: {done} user(s).", messages.SUCCESS)
    for failure in failed:
        modeladmin.message_user(request, failure, messages.ERROR)


@admin.action(description="Reset two-factor authentication (turn every method off)")
def reset_two_factor(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, "Two-factor authentication reset",
          lambda user: mfa.reset(user, actor=request.user))


@admin.action(description="Resend the invitation e-mail")
def resend_invitation(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, "Invitation sent",
          lambda user: invitations.resend_invitation(request.user, user))


@admin.action(description="Send a confirmation e-mail")
def send_confirmation(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, "Confirmation e-mail sent",
          lambda user: confirmation.send_confirmation(user, force=True))


@admin.action(description="Lock the accounts (sign out everywhere, refuse sign-in)")
def lock_accounts(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, "Locked", lambda user: lockout.lock(user, actor=request.user))


@admin.action(description="Unlock the accounts")
def unlock_accounts(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, "Unlocked", lambda user: lockout.unlock(user, actor=request.user))


ACTIONS = [reset_two_factor, resend_invitation, send_confirmation, lock_accounts, unlock_accounts]


class IdentityDisplayMixin:
    """Read-only columns and fields: no secret is ever shown (only states and counts)."""

    @admin.display(description="2FA")
    def two_factor(self, user):
        return ", ".join(mfa.enabled_methods(user)) or "off"

    @admin.display(description="Two-factor authentication")
    def two_factor_state(self, user):
        if not user.pk or not user.two_factor_enabled:
            return "Off"
        parts = [f"On: {', '.join(mfa.enabled_methods(user))} (default {user.otp_default_method or '-'})"]
        if user.otp_sms_enabled and user.otp_phone:
            parts.append(f"SMS to …{user.otp_phone[-3:]}")
        parts.append(f"{recovery_codes.remaining(user)} unused recovery codes")
        return "; ".join(parts)

    @admin.display(description="Locked", boolean=True)
    def locked(self, user):
        return bool(user.locked_until and user.locked_until > timezone.now())

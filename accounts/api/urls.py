from django.urls import re_path

from accounts.api.auth_views import SignInView, SignOutView
from accounts.api.customers import CustomerViewSet
from accounts.api.identity_views import ConfirmationView, InvitationView, PasswordView, SsoLinkView
from accounts.api.me import CurrentUserViewSet
from accounts.api.mfa import MfaViewSet
from accounts.api.preferences import PreferenceViewSet
from accounts.api.two_factor_views import CheckTwoFactorView, RecoveryCodeSignInView, SendSmsOtpView
from accounts.api.user_actions import UserActionViewSet
from accounts.api.views import UserViewSet


def register(router):
    router.register("users", UserViewSet, basename="user")
    router.register("users", UserActionViewSet, basename="user-action")  # invite, impersonate
    router.register("users", CustomerViewSet, basename="customer")  # create_customer
    router.register("user/mfa", MfaViewSet, basename="user-mfa")
    router.register("user/preferences", PreferenceViewSet, basename="user-preference")
    router.register("user", CurrentUserViewSet, basename="current-user")


auth_urlpatterns = [
    re_path(r"^sign_in/?$", SignInView.as_view(), name="auth-sign-in"),
    re_path(r"^sign_out/?$", SignOutView.as_view(), name="auth-sign-out"),
    re_path(r"^sign_in_with_recovery_code/?$", RecoveryCodeSignInView.as_view(), name="auth-recovery-code"),
    re_path(r"^check_2fa/?$", CheckTwoFactorView.as_view(), name="auth-check-2fa"),
    re_path(r"^send_sms_otp/?$", SendSmsOtpView.as_view(), name="auth-send-sms-otp"),
    re_path(r"^confirmation/?$", ConfirmationView.as_view(), name="auth-confirmation"),
    re_path(r"^invitation/?$", InvitationView.as_view(), name="auth-invitation"),
    re_path(r"^password/?$", PasswordView.as_view(), name="auth-password"),
    re_path(r"^sso_link/?$", SsoLinkView.as_view(), name="auth-sso-link"),
]

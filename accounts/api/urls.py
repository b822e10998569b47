from django.urls import re_path

from accounts.api.auth_views import SignInView, SignOutView
from accounts.api.me import CurrentUserViewSet
from accounts.api.views import UserViewSet


def register(router):
    router.register("users", UserViewSet, basename="user")
    router.register("user", CurrentUserViewSet, basename="current-user")


auth_urlpatterns = [
    re_path(r"^sign_in/?$", SignInView.as_view(), name="auth-sign-in"),
    re_path(r"^sign_out/?$", SignOutView.as_view(), name="auth-sign-out"),
]

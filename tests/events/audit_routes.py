"""Every unsafe route of the URLconf, and a valid-enough request for each, for the audit-trail
test. Routes are discovered from the URLconf, so a new route is covered automatically: a route
without a request here fails the test until one is added (or it is listed in NOT_AUDITED with
the reason). Requests are made by the platform Admin unless a builder says otherwise."""

import pyotp
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from organizations.catalogue import seed_catalogue
from organizations.models import Plan
from organizations.services.subscriptions import PlanRequest, subscribe
from tests.conftest import PASSWORD
from tests.events.audit_findings_routes import findings_requests
from tests.events.audit_scanning_routes import scanning_requests
from tests.factories import OrganizationFactory, UserFactory

UNSAFE = ("post", "put", "patch", "delete")
# Routes left out of the walk, with the reason: not writes, or audited through `emit` and covered
# by their own tests (their requests need a token an e-mail carries).
NOT_AUDITED = {
    "TargetViewSet.calculate_hosts": "computes a host count without saving anything (not audited by design)",
    "ReportViewSet.verify": "checks a stored file's hash, changes nothing (not audited by design); tests/reports",
    "CheckTwoFactorView.post": "a pre-login probe that changes nothing (not audited by design)",
    "SendSmsOtpView.post": "needs a pending SMS sign-in; covered by the identity tests",
    "RecoveryCodeSignInView.post": "needs 2FA with recovery codes; sign-ins are audited through emit (sign_in)",
    "ConfirmationView.post": "needs an e-mailed confirmation token; audited through emit (user_confirmed)",
    "InvitationView.put": "needs an e-mailed invitation token; audited through emit (invitation_accepted)",
    "PasswordView.put": "needs an e-mailed reset token; audited through emit (password_reset)",
    "SsoLinkView.post": "mails a sign-in link; nothing changes until it is used",
}


def unsafe_routes():
    """[(key, method, regex, view class)] for every unsafe method of /v2 and /auth."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and prefix.startswith(("v2/", "auth/")):
                view = getattr(pattern.callback, "cls", None)
                actions = getattr(pattern.callback, "actions", None)
                for method in UNSAFE:
                    action = actions.get(method) if actions else (method if view and hasattr(view, method) else None)
                    if action:
                        found.append((f"{view.__name__}.{action}", method, prefix + str(pattern.pattern), view))

    walk(get_resolver().url_patterns, "")
    return found


def plans():
    seed_catalogue()
    return {p.code: p for p in Plan.objects.all()}


def totp_user(api):
    user = UserFactory(username="twofactor", role="Manager", organization=OrganizationFactory())
    client = api.as_user(user)
    secret = client.put("/v2/user/mfa/enable", {"method": "totp"}).json()["secret"]
    return user, client, secret


def verified_totp_user(api):
    user, client, secret = totp_user(api)
    client.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": pyotp.TOTP(secret).now()})
    return user, secret


def impersonating_client(api, world):
    token = api.as_user(world.admin).post(f"/v2/users/{world.user.pk}/impersonate").json()["token"]
    client = api.as_user(None)
    client.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _customer_subscription(world):
    catalogue = plans()
    return subscribe(None, world.customer, PlanRequest(plan=catalogue["pci-standard"]))


def _pending_user(world):
    user = UserFactory(username="invitee", role="User", organization=world.customer)
    user.set_unusable_password()
    user.save()
    return user


def _webhook(world):
    from events.models import Webhook

    return Webhook.objects.create(organization=world.customer, name="Hook", url="https://93.184.215.14/h", events=["ping"])


def _delivery(world):
    from events.models import WebhookDelivery

    return WebhookDelivery.objects.create(webhook=_webhook(world), event="ping", payload={"event": "ping"})


def _notification(world):
    from events.models import Notification

    return Notification.objects.create(user=world.admin, kind="system", event="x", title="t", dedupe_key="k")


# key -> builder(api, world) -> (client, path, body, expected resource type)
def requests_table():
    def admin(api, world):
        return api.as_user(world.admin)

    victim = lambda world: UserFactory(role="User", organization=world.customer)  # noqa: E731
    return {
        "UserViewSet.create": lambda api, w: (admin(api, w), "/v2/users", {"user": {
            "username": "newbie", "email": "newbie@example.com", "organization_id": str(w.customer.pk), "role": "User"}}, "user"),
        "UserViewSet.bulk_destroy": lambda api, w: (admin(api, w), "/v2/users", {"ids": [str(victim(w).pk)]}, "user"),
        "UserViewSet.update": lambda api, w: (admin(api, w), f"/v2/users/{w.user.pk}", {"user": {"first_name": "Zed"}}, "user"),
        "UserViewSet.partial_update": lambda api, w: (admin(api, w), f"/v2/users/{w.user.pk}", {"first_name": "Zed"}, "user"),
        "UserViewSet.destroy": lambda api, w: (admin(api, w), f"/v2/users/{victim(w).pk}", None, "user"),
        "UserActionViewSet.invite": lambda api, w: (admin(api, w), f"/v2/users/{_pending_user(w).pk}/invite", {}, "user"),
        "UserActionViewSet.impersonate": lambda api, w: (admin(api, w), f"/v2/users/{w.user.pk}/impersonate", {}, "user"),
        "UserActionViewSet.stop_impersonation": lambda api, w: (impersonating_client(api, w), "/v2/users/impersonate", None, "user"),
        "MfaViewSet.enable": lambda api, w: (admin(api, w), "/v2/user/mfa/enable", {"method": "totp"}, "user"),
        "MfaViewSet.verify_installation": _verify_installation,
        "MfaViewSet.disable": _disable_mfa,
        "MfaViewSet.recovery_codes": _recovery_codes,
        "PreferenceViewSet.notification": lambda api, w: (
            admin(api, w), "/v2/user/preferences/notifications/scan_event", {"preference": {"email": False}}, None),
        "CurrentUserViewSet.generate_access_token": lambda api, w: (admin(api, w), "/v2/user/generate_access_token", {}, "user"),
        "CurrentUserViewSet.revoke_access_token": lambda api, w: (admin(api, w), "/v2/user/revoke_access_token", {}, "user"),
        "CurrentUserViewSet.update_me": lambda api, w: (admin(api, w), "/v2/user/me", {"user": {"first_name": "Ada"}}, "user"),
        "CurrentUserViewSet.delete_me": lambda api, w: (api.as_user(w.viewer), "/v2/user/me", None, "user"),
        "CurrentUserViewSet.organization_update": lambda api, w: (
            api.as_user(w.manager), "/v2/user/organization", {"organization": {"city": "Athens"}}, "user"),
        "CurrentUserViewSet.password": lambda api, w: (admin(api, w), "/v2/user/password", {
            "current_password": PASSWORD, "password": "a-much-newer-passphrase", "password_confirmation": "a-much-newer-passphrase"}, "user"),
        "CurrentUserViewSet.transfer_resources": lambda api, w: (admin(api, w), "/v2/user/transfer_resources", {
            "from_user_id": str(w.user.pk), "to_user_id": str(w.manager.pk)}, "user"),
        "OrganizationViewSet.create": lambda api, w: (admin(api, w), "/v2/organizations", {
            "organization": {"name": "Newco", "company_name": "Newco Ltd"}}, "organization"),
        "OrganizationViewSet.update": lambda api, w: (admin(api, w), f"/v2/organizations/{w.customer.pk}", {"organization": {"city": "Rome"}}, "organization"),
        "OrganizationViewSet.partial_update": lambda api, w: (admin(api, w), f"/v2/organizations/{w.customer.pk}", {"city": "Oslo"}, "organization"),
        "OrganizationViewSet.destroy": lambda api, w: (admin(api, w), f"/v2/organizations/{w.other_org.pk}", None, "organization"),
        "OrganizationViewSet.move": lambda api, w: (admin(api, w), "/v2/organizations/move", {
            "user_id": str(w.user.pk), "organization_id": str(w.partner_org.pk)}, "organization"),
        "OrganizationViewSet.subscribe": lambda api, w: (plans() and admin(api, w), f"/v2/organizations/{w.other_org.pk}/subscribe",
                                                         {"plan": "vrms-standard"}, "organization"),
        "OrganizationViewSet.subscribe_own": lambda api, w: (plans() and api.as_user(w.manager), "/v2/organizations/subscribe",
                                                             {"plan": "vrms-standard"}, "organization"),
        "OrganizationViewSet.unsubscribe": lambda api, w: (_customer_subscription(w) and admin(api, w),
                                                           f"/v2/organizations/{w.customer.pk}/unsubscribe", {"plan": "pci-standard"}, "organization"),
        "OrganizationSubscriptionViewSet.update": _subscription_update,
        "OrganizationSubscriptionViewSet.partial_update": _subscription_update,
        "ProductContextViewSet.change_product": lambda api, w: (_customer_subscription(w) and api.as_user(w.manager),
                                                                "/v2/user/change_product", {"product_code": "pci"}, "user"),
        "CustomerViewSet.create_customer": lambda api, w: (plans() and admin(api, w), "/v2/users/create_customer", {"customer": {
            "organization": {"name": "Newco", "company_name": "Newco Ltd", "parent_organization": str(w.partner_org.pk)},
            "user": {"username": "newco", "email": "newco@example.com"}}}, "organization"),
        "SignInView.post": lambda api, w: (api.as_user(None), "/auth/sign_in", {"username": "plainuser", "password": PASSWORD}, "user"),
        "SignOutView.delete": lambda api, w: (api.as_user(w.user), "/auth/sign_out", None, "user"),
        "PasswordView.post": lambda api, w: (api.as_user(None), "/auth/password", {"email": w.user.email}, "user"),
        "NotificationViewSet.destroy": lambda api, w: (admin(api, w), f"/v2/notifications/{_notification(w).pk}", None, "notification"),
        "NotificationViewSet.read": lambda api, w: (admin(api, w), f"/v2/notifications/{_notification(w).pk}/read", {}, "notification"),
        "NotificationViewSet.seen": lambda api, w: (admin(api, w), f"/v2/notifications/{_notification(w).pk}/seen", {}, "notification"),
        "NotificationViewSet.read_all": lambda api, w: (_notification(w) and admin(api, w), "/v2/notifications/read_all", {}, "notification"),
        "NotificationViewSet.seen_all": lambda api, w: (_notification(w) and admin(api, w), "/v2/notifications/seen_all", {}, "notification"),
        "WebhookViewSet.create": lambda api, w: (admin(api, w), "/v2/webhooks", {"webhook": {
            "name": "x", "url": "https://93.184.215.14/h", "events": ["ping"], "secret": "hush"}}, "webhook"),
        "WebhookViewSet.update": lambda api, w: (admin(api, w), f"/v2/webhooks/{_webhook(w).pk}", {"secret": "new-secret"}, "webhook"),
        "WebhookViewSet.partial_update": lambda api, w: (admin(api, w), f"/v2/webhooks/{_webhook(w).pk}", {"name": "y"}, "webhook"),
        "WebhookViewSet.destroy": lambda api, w: (admin(api, w), f"/v2/webhooks/{_webhook(w).pk}", None, "webhook"),
        "WebhookViewSet.test": _webhook_test,
        "WebhookViewSet.redeliver": lambda api, w: (
            admin(api, w), (lambda d: f"/v2/webhooks/{d.webhook_id}/deliveries/{d.pk}/redeliver")(_delivery(w)), {}, "webhook"),
        "WhitelabelViewSet.update_collection": lambda api, w: (api.as_user(w.partner), "/v2/whitelabel", {"whitelabel": {
            "company_name": "Acme", "primary_color": "#112233"}}, "whitelabel"),
        "WhitelabelViewSet.bulk_destroy": lambda api, w: (api.as_user(w.partner), "/v2/whitelabel", None, "whitelabel"),
        "WhitelabelSettingsViewSet.update_collection": lambda api, w: (admin(api, w), "/v2/whitelabel_settings", {
            "company_name": "Platform"}, "whitelabel"),
        **scanning_requests(),
        **findings_requests(),
    }


def _verify_installation(api, world):
    user, client, secret = totp_user(api)
    return client, "/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": pyotp.TOTP(secret).now()}, "user"


def _next_code(secret):
    """The following time step's code: the current one was spent verifying the installation."""
    import time

    return pyotp.TOTP(secret).at(time.time() + 30)


def _disable_mfa(api, world):
    user, secret = verified_totp_user(api)
    return api.as_user(user), "/v2/user/mfa/disable", {"method": "totp", "otp_attempt": _next_code(secret)}, "user"


def _recovery_codes(api, world):
    user, secret = verified_totp_user(api)
    return api.as_user(user), "/v2/user/mfa/recovery_codes", {"otp_attempt": _next_code(secret)}, "user"


def _subscription_update(api, world):
    subscription = _customer_subscription(world)
    path = f"/v2/organizations/{world.customer.pk}/subscriptions/{subscription.pk}"
    return api.as_user(world.admin), path, {"subscription": {"auto_renewal": True}}, "subscription"


def _webhook_test(api, world):
    return api.as_user(world.admin), f"/v2/webhooks/{_webhook(world).pk}/test", {}, "webhook"


def user_named(username):
    return User.objects.get(username=username)

"""Notification e-mails through Django's e-mail backend, branded with the recipient
organization's effective white-label settings (templates/emails/event_notification.*)."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from events.services.whitelabel import effective


def sender(branding):
    """`Name <address>` from the branding's e-mail sender, falling back to DEFAULT_FROM_EMAIL."""
    default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = branding.get("email_sender_name") or branding.get("company_name") or default_name
    address = branding.get("email_sender_address") or default_address
    return formataddr((name, address)) if name else address


def send_notification_emails(user_ids, kind, title, message, organization_id=None, *, resource_type="",
                             resource_id="", members_only=False, **extra):
    """Mail the users who still may receive it now (the task runs later): active, their address
    confirmed, and still members of the organization when the event went to its members."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True, confirmed=True).exclude(email="")
    if members_only and organization_id:
        users = users.filter(organization_id=organization_id)
    users = list(users)
    if not users:
        return 0
    branding = effective(organization_id)["values"]
    link = resource_link(resource_type, resource_id)
    messages = [build_message(user, branding, kind, title, message, link) for user in users]
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def resource_link(resource_type, resource_id):
    """SITE_URL + the API route of the event's resource (`/v2/scans/<id>`), a route that exists
    (reversed from the URLconf); the notifications list when the resource has none."""
    path = None
    if resource_type and resource_id:
        try:
            path = reverse(f"{resource_type.replace('_', '-')}-detail", kwargs={"pk": resource_id})
        except NoReverseMatch:
            path = None
    return settings.SITE_URL.rstrip("/") + (path or reverse("notification-list"))


def build_message(user, branding, kind, title, message, link=None):
    context = {
        "user": user, "branding": branding, "title": title, "message": message, "kind": kind,
        "link": link or resource_link("", ""),
    }
    subject = f"[{branding.get('company_name') or 'CG Scanning'}] {title}"
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=render_to_string("emails/event_notification.txt", context),
        from_email=sender(branding), to=[user.email],
        reply_to=[branding["support_email"]] if branding.get("support_email") else None,
    )
    email.attach_alternative(render_to_string("emails/event_notification.html", context), "text/html")
    return email

"""Account e-mails: text + HTML templates (templates/emails/<name>.txt|.html) sent through
Django's e-mail backend (console by default, SMTP by settings), with the recipient
organization's effective white-label branding (name, sender, support address)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def link(setting_name, token):
    return getattr(settings, setting_name).replace("{token}", token)


def branding_for(user):
    """(product name, From address, reply-to list): white-label values when set, else settings."""
    try:
        from events.services.mail import sender
        from events.services.whitelabel import effective

        values = effective(user.organization_id)["values"]
    except Exception:  # branding is a nicety; an account e-mail must still go out
        logger.exception("white-label branding unavailable for an account e-mail")
        return settings.OTP_ISSUER, settings.DEFAULT_FROM_EMAIL, None
    name = values.get("company_name") or settings.OTP_ISSUER
    reply_to = [values["support_email"]] if values.get("support_email") else None
    return name, sender(values), reply_to


def send_account_email(user, template, subject, **context):
    product_name, from_email, reply_to = branding_for(user)
    context = {
        "user": user, "organization": user.organization, "site_url": settings.SITE_URL,
        "product_name": product_name, **context,
    }
    message = EmailMultiAlternatives(
        subject=subject.replace("{product}", product_name), body=render_to_string(f"emails/{template}.txt", context),
        from_email=from_email, to=[user.email], reply_to=reply_to,
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


def lifetime(delta):
    """`timedelta` → "15 minutes", "1 hour", "7 days" for the e-mail text."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 or unit == "minute" and seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"

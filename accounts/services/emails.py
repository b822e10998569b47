"""Account e-mails: text + HTML templates (templates/emails/<name>.txt|.html) sent through
Django's e-mail backend (console by default, SMTP by settings)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def link(setting_name, token):
    return getattr(settings, setting_name).replace("{token}", token)


def send_account_email(user, template, subject, **context):
    context = {
        "user": user, "organization": user.organization, "site_url": settings.SITE_URL,
        "product_name": settings.OTP_ISSUER, **context,
    }
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
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

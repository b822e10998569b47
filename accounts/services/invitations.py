"""Invitation e-mails for users created without a password."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone


def send_invitation(user, invited_by=None):
    if not user.email:
        return False
    context = {"user": user, "invited_by": invited_by, "organization": user.organization,
               "site_url": getattr(settings, "SITE_URL", "")}
    send_mail(
        subject=f"You have been invited to {user.organization.name}",
        message=render_to_string("emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        html_message=render_to_string("emails/invitation.html", context),
    )
    type(user).objects.filter(pk=user.pk).update(invited_at=timezone.now())
    return True

import uuid

from django.conf import settings
from django.db import models


class TokenPurpose(models.TextChoices):
    CONFIRMATION = "confirmation"
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    SSO_LINK = "sso_link"
    OTP_SESSION = "otp_session"  # the `otp_session_state` between the two sign-in calls


class OneTimeToken(models.Model):
    """A single-use, expiring secret handed to a user (e-mailed link, sign-in state). Only a
    keyed hash of the token is stored; `used_at` marks it spent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=20, choices=TokenPurpose.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Non-secret context, e.g. the address a confirmation is for.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self):
        return f"{self.purpose} token for {self.user_id}"

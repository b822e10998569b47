import uuid

from django.conf import settings
from django.db import models


class TotpDevice(models.Model):
    """A user's authenticator app. The secret is encrypted at rest (config.crypto);
    `last_used_step` is the last accepted time step, so a code is accepted once (no replay)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="totp_device",
    )
    encrypted_secret = models.TextField(editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "TOTP device"

    def __str__(self):
        return f"TOTP device of {self.user_id}"


class RecoveryCode(models.Model):
    """One of the ten single-use codes shown when two-factor is turned on; stored hashed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"])]

    def __str__(self):
        return f"recovery code of {self.user_id}"


class SmsPurpose(models.TextChoices):
    ENABLE = "enable"  # proving the phone during setup
    SIGN_IN = "sign_in"  # second factor while signing in
    VERIFY = "verify"  # a signed-in user's confirmation (disable, new recovery codes)


class SmsCode(models.Model):
    """A short code sent by SMS; hashed, expiring, few attempts, single use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_codes")
    purpose = models.CharField(max_length=10, choices=SmsPurpose.choices)
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self):
        return f"{self.purpose} SMS code for {self.user_id}"

from django.db import models


class Role(models.TextChoices):
    """Ranked lowest to highest (config.api.permissions.ROLES)."""

    VIEWER = "Viewer"
    USER = "User"
    MANAGER = "Manager"
    PARTNER = "Partner"
    ADMIN = "Admin"


class OtpMethod(models.TextChoices):
    TOTP = "totp"
    SMS = "sms"

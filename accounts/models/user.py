import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from accounts.choices import OtpMethod, Role

DETAIL_FIELDS = (
    "first_name", "last_name", "phone", "mobile_phone", "url", "title",
    "address", "city", "state", "country", "zipcode", "comment",
)


class PlatformUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`createsuperuser` makes an Admin of the platform's staff organization."""
        from organizations.services import staff_organization

        extra_fields.setdefault("role", Role.ADMIN)
        extra_fields.setdefault("organization", staff_organization())
        extra_fields.setdefault("confirmed", True)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(blank=True, default="")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.CASCADE,
        related_name="members",
    )
    locale = models.CharField(max_length=16, default="en")
    timezone = models.CharField(max_length=64, default="UTC")
    active_product = models.CharField(max_length=32, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    mobile_phone = models.CharField(max_length=40, blank=True, default="")
    url = models.CharField(max_length=255, blank=True, default="")
    title = models.CharField(max_length=255, blank=True, default="")
    address = models.CharField(max_length=255, blank=True, default="")
    city = models.CharField(max_length=120, blank=True, default="")
    state = models.CharField(max_length=120, blank=True, default="")
    country = models.CharField(max_length=120, blank=True, default="")
    zipcode = models.CharField(max_length=32, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    confirmed = models.BooleanField(default=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    sign_in_count = models.PositiveIntegerField(default=0)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    last_sign_in_ip = models.GenericIPAddressField(null=True, blank=True)
    failed_sign_in_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    access_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    access_token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    otp_totp_enabled = models.BooleanField(default=False)
    otp_sms_enabled = models.BooleanField(default=False)
    otp_phone = models.CharField(max_length=40, blank=True, default="")
    otp_default_method = models.CharField(max_length=8, choices=OtpMethod.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlatformUserManager()

    class Meta:
        ordering = ("username",)
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["organization", "username"]),  # members blocks, in order
            models.Index(fields=["organization", "role"]),
            models.Index(fields=["organization", "email"]),
            models.Index(fields=["organization", "last_sign_in_at"]),
        ]

    @property
    def two_factor_enabled(self):
        return self.otp_totp_enabled or self.otp_sms_enabled

    @property
    def incomplete_details(self):
        return not all((self.first_name, self.last_name, self.email))

    def is_last_manager(self):
        """True when this user is the Manager without whom their organization would keep members
        but no Manager (the rule a move, a demotion or a deletion must not break)."""
        from accounts.services.users import managerless_organizations

        return bool(managerless_organizations([self]))

    def current_product(self):
        """The product code scanning lists are limited to (chosen, else the first subscribed)."""
        if not hasattr(self, "_current_product"):
            from organizations.services.products import current_product

            self._current_product = current_product(self)
        return self._current_product

    def visible_organization_ids(self):
        """Organizations whose records this user may see, for `__in` filters: None means every
        one (staff); a partner's is one subquery over the partner tree. Built once per user object."""
        if not hasattr(self, "_visible_organization_ids"):
            from organizations.services import visible_organization_ids

            self._visible_organization_ids = visible_organization_ids(self)
        return self._visible_organization_ids

from django.db import models, transaction

from config.api.models import TimestampedModel
from organizations.scan_allowance import validate_allowance

DETAIL_FIELDS = (
    "address", "city", "state", "zipcode", "country", "phone", "website", "email",
    "contact_name", "contact_title", "contact_phone", "contact_email",
)

# An organization's details are complete when these are filled in (`incomplete_details`).
COMPLETE_DETAILS = ("address", "city", "country", "phone")

UNKNOWN = object()  # the parent an instance was loaded with, when it was not loaded


class Organization(TimestampedModel):
    """A tenant. Partner organizations (resellers) have customer organizations below them."""

    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    company_name = models.CharField(max_length=255)
    partner = models.BooleanField(default=False)
    is_staff_organization = models.BooleanField(
        default=False, help_text="The platform operator's own organization (Admin users live here)."
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="customers",
        verbose_name="parent organization",
    )
    address = models.CharField(max_length=255, blank=True, default="")
    city = models.CharField(max_length=120, blank=True, default="")
    state = models.CharField(max_length=120, blank=True, default="")
    zipcode = models.CharField(max_length=32, blank=True, default="")
    country = models.CharField(max_length=120, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    website = models.CharField(max_length=255, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    contact_name = models.CharField(max_length=255, blank=True, default="")
    contact_title = models.CharField(max_length=255, blank=True, default="")
    contact_phone = models.CharField(max_length=40, blank=True, default="")
    contact_email = models.EmailField(blank=True, default="")
    scan_allowed_networks = models.TextField(
        blank=True, default="", validators=[validate_allowance], verbose_name="scanning allowance",
        help_text="Networks of the platform's blocked list this organization may scan anyway (comma- or "
                  "line-separated CIDRs, e.g. 127.0.0.1/32). Staff only; cloud metadata addresses are never allowed.",
    )

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["partner", "name"]),
            models.Index(fields=["parent", "created_at"]),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_parent_id = instance.__dict__.get("parent_id", UNKNOWN)
        return instance

    def save(self, *args, **kwargs):
        """Saving also keeps the partner tree (`OrganizationLink`) in step when the organization
        is new or its parent changed; both happen in one transaction."""
        update_fields = kwargs.get("update_fields")
        placed = self._state.adding or (
            getattr(self, "_saved_parent_id", UNKNOWN) != self.parent_id
            and (update_fields is None or "parent" in update_fields or "parent_id" in update_fields)
        )
        if not placed:
            return super().save(*args, **kwargs)
        from organizations.services.tree import place

        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            place(self)
        self._saved_parent_id = self.parent_id

    @property
    def incomplete_details(self):
        return not all(getattr(self, f) for f in COMPLETE_DETAILS)

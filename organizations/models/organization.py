from django.db import models

from config.api.models import TimestampedModel

DETAIL_FIELDS = (
    "address", "city", "state", "zipcode", "country", "phone", "website", "email",
    "contact_name", "contact_title", "contact_phone", "contact_email",
)


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

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["partner", "name"]),
            models.Index(fields=["parent", "created_at"]),
        ]

    def __str__(self):
        return self.name

    @property
    def incomplete_details(self):
        return not all(getattr(self, f) for f in ("address", "city", "country", "phone"))

from django.db import models
from django.db.models import Q

from config.api.models import TimestampedModel


class Whitelabel(TimestampedModel):
    """Branding: a partner organization's own, or the platform default (`platform_default`,
    no organization). Customers see their nearest partner's (events.services.whitelabel)."""

    organization = models.OneToOneField(
        "organizations.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="whitelabel",
    )
    platform_default = models.BooleanField(default=False, editable=False)
    company_name = models.CharField(max_length=255, blank=True, default="")
    logo = models.TextField(blank=True, default="", help_text="data: URL (PNG, JPEG or sanitised SVG)")
    primary_color = models.CharField(max_length=9, blank=True, default="")
    secondary_color = models.CharField(max_length=9, blank=True, default="")
    support_email = models.EmailField(blank=True, default="")
    support_url = models.URLField(max_length=500, blank=True, default="")
    custom_domain = models.CharField(max_length=253, blank=True, default="")
    email_sender_name = models.CharField(max_length=100, blank=True, default="")
    email_sender_address = models.EmailField(blank=True, default="")
    report_footer = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "white-label branding"
        verbose_name_plural = "white-label branding"
        constraints = [
            models.UniqueConstraint(fields=["platform_default"], condition=Q(platform_default=True),
                                    name="whitelabel_one_platform_default"),
            models.UniqueConstraint(fields=["custom_domain"], condition=~Q(custom_domain=""),
                                    name="whitelabel_custom_domain_unique"),
        ]

    def __str__(self):
        if self.platform_default:
            return "Platform default branding"
        return self.company_name or f"Branding of {self.organization_id}"

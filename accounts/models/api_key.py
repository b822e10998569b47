import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from config.api.models import TimestampedModel


def parse_networks(text):
    """`10.0.0.0/8, 192.168.1.5` → [ip_network, ...]; ValueError names the bad entry."""
    networks = []
    for token in text.replace("\n", ",").split(","):
        token = token.strip()
        if token:
            try:
                networks.append(ipaddress.ip_network(token, strict=False))
            except ValueError:
                raise ValueError(f"{token!r} is not an IP address or network") from None
    return networks


def validate_networks(text):
    try:
        parse_networks(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class ApiKey(TimestampedModel):
    """An `X-API-KEY` credential. Only a keyed hash of the secret is stored; the first eight
    characters (`prefix`) identify it in lists."""

    name = models.CharField(max_length=255)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="api_keys")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys",
        help_text="The service account the key signs in as when sent without Authorization.",
    )
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    allowed_networks = models.TextField(
        blank=True, default="", validators=[validate_networks],
        help_text="Comma- or newline-separated addresses/CIDRs; empty allows every address.",
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "API key"
        indexes = [models.Index(fields=["organization", "created_at"])]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def allows_address(self, address):
        networks = parse_networks(self.allowed_networks)
        if not networks:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)

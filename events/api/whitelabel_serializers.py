"""Input and output of /v2/whitelabel and /v2/whitelabel_settings."""

import re

from rest_framework import serializers

from config.api.fields import StrictCharField, StrictEmailField
from config.api.serializers import iso_timestamp

COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")


def whitelabel_body(resource_id, values, *, organization_id, source, configured, updated_at):
    return {
        "id": str(resource_id), "type": "whitelabel",
        "attributes": {
            "id": str(resource_id), **values, "organization_id": str(organization_id) if organization_id else None,
            "source": source, "configured": configured, "updated_at": iso_timestamp(updated_at),
        },
    }


class WhitelabelInputSerializer(serializers.Serializer):
    company_name = StrictCharField(required=False, allow_blank=True, max_length=255)
    logo = serializers.JSONField(required=False, allow_null=True)  # data URL text or an uploaded file
    primary_color = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=9)
    secondary_color = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=9)
    support_email = StrictEmailField(required=False, allow_blank=True, allow_null=True)
    support_url = serializers.URLField(required=False, allow_blank=True, allow_null=True, max_length=500)
    custom_domain = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=253)
    email_sender_name = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    email_sender_address = StrictEmailField(required=False, allow_blank=True, allow_null=True)
    report_footer = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=2000)

    def to_internal_value(self, data):
        logo = data.get("logo") if hasattr(data, "get") else None
        values = super().to_internal_value(
            {k: v for k, v in data.items() if k != "logo"} if hasattr(data, "items") else data)
        if hasattr(data, "get") and "logo" in data:
            from events.services.logo import clean_logo

            values["logo"] = clean_logo(logo)
        return {k: ("" if v is None else v) for k, v in values.items()}

    def _color(self, value):
        if value and not COLOR.match(value):
            raise serializers.ValidationError("must be a hex colour such as #1f6feb")
        return (value or "").lower()

    validate_primary_color = _color
    validate_secondary_color = _color

    def validate_custom_domain(self, value):
        value = (value or "").strip().lower().rstrip(".")
        if value and not DOMAIN.match(value):
            raise serializers.ValidationError("must be a host name such as scan.example.com (no scheme or path)")
        return value

    def validate_email_sender_name(self, value):
        if value and ("\n" in value or "\r" in value):
            raise serializers.ValidationError("must be a single line")
        return value

    def validate_support_url(self, value):
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("must be an http or https URL")
        return value

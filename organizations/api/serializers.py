from rest_framework import serializers

from config.api.permissions import has_role
from config.api.serializers import ResourceSerializer, iso_timestamp
from organizations.models import Organization
from organizations.models.organization import DETAIL_FIELDS


class OrganizationSerializer(ResourceSerializer):
    """The organization resource (resources.md). Expects `members` prefetched."""

    resource_type = "organization"
    relationships = {"parent_organization": ("parent_id", "organization")}

    class Meta:
        model = Organization
        fields = ("id",)

    def attributes(self, org):
        user = self.context.get("user")
        return {
            "uuid": str(org.pk), "name": org.name, "description": org.description,
            "company_name": org.company_name, "partner": org.partner,
            "parent_organization_id": str(org.parent_id) if org.parent_id else None,
            "creation_time": iso_timestamp(org.created_at), "modification_time": iso_timestamp(org.updated_at),
            "members": [{"id": str(m.pk), "username": m.username, "partner": m.role == "Partner"} for m in org.members.all()],
            "settings": {"can_edit_organization": can_edit(user, org)},
            "details": {name: getattr(org, name) for name in DETAIL_FIELDS},
            "incomplete_details": org.incomplete_details,
        }


def can_edit(user, org):
    if user is None or not has_role(user, "Manager"):
        return False
    return user.role in ("Admin", "Partner") or org.pk == user.organization_id


class OrganizationInputSerializer(serializers.Serializer):
    """Writable organization fields; `details` are sent flat, as the public docs do."""

    name = serializers.CharField(max_length=255)
    company_name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    partner = serializers.BooleanField(required=False)
    parent_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, source="parent",
        pk_field=serializers.UUIDField(),
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    city = serializers.CharField(required=False, allow_blank=True, max_length=120)
    state = serializers.CharField(required=False, allow_blank=True, max_length=120)
    zipcode = serializers.CharField(required=False, allow_blank=True, max_length=32)
    country = serializers.CharField(required=False, allow_blank=True, max_length=120)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    website = serializers.CharField(required=False, allow_blank=True, max_length=255)
    email = serializers.EmailField(required=False, allow_blank=True)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    contact_title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    skip_default_subscription = serializers.BooleanField(required=False, write_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = self.context.get("visible_organizations")
        if visible is not None:
            self.fields["parent_organization"].queryset = visible

    def to_internal_value(self, data):
        # `details` may also arrive nested; flatten it into the top level.
        if isinstance(data, dict) and isinstance(data.get("details"), dict):
            data = {**data["details"], **{k: v for k, v in data.items() if k != "details"}}
        return super().to_internal_value(data)

from rest_framework import serializers

from accounts.models import User
from config.api.permissions import has_role
from config.api.serializers import ResourceSerializer, Row, iso_timestamp
from organizations.models import Organization
from organizations.models.organization import DETAIL_FIELDS


def attach_members(organizations):
    """Load the `members` block of many organizations in one query of the three columns it shows.
    (prefetch_related("members") built a whole user per member and a queryset per organization:
    on a page of 100 it took longer than everything else.)"""
    by_id = {}
    for org in organizations:
        org.member_list = by_id[org.pk] = []
    rows = User.objects.filter(organization_id__in=by_id).values_list("organization_id", "id", "username", "role")
    for org_id, *member in rows:
        by_id[org_id].append(member)


def members_of(org):
    """(id, username, role) of each member, by username: attached in bulk by the list serializer,
    or else from prefetch_related("members") or one query."""
    members = getattr(org, "member_list", None)
    if members is None:
        members = [(m.pk, m.username, m.role) for m in org.members.all()]
    return members


# Lists read organizations as plain rows of these columns (`listed_rows`), not whole models.
LISTED_COLUMNS = (
    "id",
    "name",
    "description",
    "company_name",
    "partner",
    "parent_id",
    "created_at",
    "updated_at",
    *DETAIL_FIELDS,
)


class OrganizationRow(Row):
    """A listed organization read as a plain row, with the attributes the serializer reads."""

    incomplete_details = Organization.incomplete_details


def listed_rows(queryset):
    return queryset.values(*LISTED_COLUMNS)


class OrganizationListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        organizations = [
            OrganizationRow(row) if isinstance(row, dict) else row
            for row in (data.all() if hasattr(data, "all") else data)
        ]
        attach_members(organizations)
        return super().to_representation(organizations)


class OrganizationSerializer(ResourceSerializer):
    """The organization resource (resources.md). Lists load members in bulk; a single organization
    uses its prefetched `members` if any."""

    resource_type = "organization"
    relationships = {"parent_organization": ("parent_id", "organization")}

    class Meta:
        model = Organization
        fields = ("id",)
        list_serializer_class = OrganizationListSerializer

    def attributes(self, org):
        user = self.context.get("user")
        return {
            "uuid": str(org.pk),
            "name": org.name,
            "description": org.description,
            "company_name": org.company_name,
            "partner": org.partner,
            "parent_organization_id": str(org.parent_id) if org.parent_id else None,
            "creation_time": iso_timestamp(org.created_at),
            "modification_time": iso_timestamp(org.updated_at),
            "members": [
                {"id": str(pk), "username": username, "partner": role == "Partner"}
                for pk, username, role in members_of(org)
            ],
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
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        source="parent",
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

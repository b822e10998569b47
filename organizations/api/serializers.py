import json
from operator import itemgetter

import orjson
from django.contrib.auth import get_user_model
from django.db.models import OuterRef
from django.db.models.functions import JSONArray
from rest_framework import serializers

from config.api.fields import StrictCharField, StrictEmailField
from config.api.permissions import has_role
from config.api.rows import ALIAS, JSONRows, UUIDText, listed_values
from config.api.scoping import ScopedPrimaryKeyRelatedField
from config.api.serializers import ListedRowSerializer, iso_timestamp, relationship
from organizations.models import Organization
from organizations.models.organization import COMPLETE_DETAILS, DETAIL_FIELDS


def member_items():
    """Each listed organization's members as one JSON column of the page query (ids as text, by
    username, as the detail route's prefetch orders them)."""
    members = get_user_model().objects.filter(organization_id=OuterRef("pk")).order_by("username")
    return JSONRows(members.annotate(item=JSONArray(UUIDText("id"), "username", "role")).values("item"))


def members_of(org):
    """(id, username, role) of each member, by username: a listed row's JSON column, or else
    from prefetch_related("members") or one query."""
    members = getattr(org, "member_items", None)
    if members is not None:
        return json.loads(members)
    return [(m.pk, m.username, m.role) for m in org.members.all()]


# Lists read organizations as plain rows of these columns (`listed_rows`), not whole models.
LISTED_COLUMNS = (
    "id", "name", "description", "company_name", "partner", "parent_id", "created_at", "updated_at", *DETAIL_FIELDS,
)


DETAILS_OF, COMPLETE_DETAILS_OF = itemgetter(*DETAIL_FIELDS), itemgetter(*COMPLETE_DETAILS)


def listed_rows(queryset):
    return listed_values(queryset.annotate(member_items=member_items()), (*LISTED_COLUMNS, "member_items"))


class OrganizationSerializer(ListedRowSerializer):
    """The organization resource (resources.md). Lists pass plain rows (`listed_rows`, members
    included); a single organization uses its prefetched `members` if any."""

    resource_type = "organization"
    relationships = {"parent_organization": ("parent_id", "organization")}

    class Meta:
        model = Organization
        fields = ("id",)

    def listed(self, row):
        """A listed row (`listed_rows`) as `to_representation` writes a record, straight from the
        row's columns: a page of 100 organizations is read 100 times."""
        pk, parent_id = row[ALIAS + "id"], row[ALIAS + "parent_id"]
        return {
            "id": pk,
            "type": "organization",
            "attributes": {
                "id": pk, "uuid": pk, "name": row["name"], "description": row["description"],
                "company_name": row["company_name"], "partner": row["partner"],
                "parent_organization_id": parent_id or None,
                "creation_time": row[ALIAS + "created_at"], "modification_time": row[ALIAS + "updated_at"],
                "members": [
                    {"id": member_id, "username": username, "partner": role == "Partner"}
                    for member_id, username, role in orjson.loads(row["member_items"])
                ],
                "settings": {"can_edit_organization": self.can_edit_row(pk)},
                "details": dict(zip(DETAIL_FIELDS, DETAILS_OF(row), strict=True)),
                "incomplete_details": not all(COMPLETE_DETAILS_OF(row)),
            },
            "relationships": {"parent_organization": {"data": relationship(parent_id, "organization")}},
        }

    def can_edit_row(self, pk):
        edits = self.__dict__.get("_edits")
        if edits is None:  # once per list: the caller's role and organization
            user = self.context.get("user")
            if user is None or not has_role(user, "Manager"):
                edits = self._edits = (False, None)
            else:
                edits = self._edits = (user.role in ("Admin", "Partner"), str(user.organization_id))
        return edits[0] or pk == edits[1]

    def attributes(self, org):
        user = self.context.get("user")
        return {
            "uuid": str(org.pk), "name": org.name, "description": org.description,
            "company_name": org.company_name, "partner": org.partner,
            "parent_organization_id": str(org.parent_id) if org.parent_id else None,
            "creation_time": iso_timestamp(org.created_at), "modification_time": iso_timestamp(org.updated_at),
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
    return user.role in ("Admin", "Partner") or str(org.pk) == str(user.organization_id)  # a row's id is text


class OrganizationInputSerializer(serializers.Serializer):
    """Writable organization fields; `details` are sent flat, as the public docs do."""

    name = StrictCharField(max_length=255)
    company_name = StrictCharField(max_length=255)
    description = StrictCharField(required=False, allow_blank=True, max_length=10000)
    partner = serializers.BooleanField(required=False)
    parent_organization = ScopedPrimaryKeyRelatedField(
        "organizations.Organization", organization_field="pk", required=False, allow_null=True, source="parent",
    )
    address = StrictCharField(required=False, allow_blank=True, max_length=255)
    city = StrictCharField(required=False, allow_blank=True, max_length=120)
    state = StrictCharField(required=False, allow_blank=True, max_length=120)
    zipcode = StrictCharField(required=False, allow_blank=True, max_length=32)
    country = StrictCharField(required=False, allow_blank=True, max_length=120)
    phone = StrictCharField(required=False, allow_blank=True, max_length=40)
    website = StrictCharField(required=False, allow_blank=True, max_length=255)
    email = StrictEmailField(required=False, allow_blank=True)
    contact_name = StrictCharField(required=False, allow_blank=True, max_length=255)
    contact_title = StrictCharField(required=False, allow_blank=True, max_length=255)
    contact_phone = StrictCharField(required=False, allow_blank=True, max_length=40)
    contact_email = StrictEmailField(required=False, allow_blank=True)
    skip_default_subscription = serializers.BooleanField(required=False, write_only=True)

    def to_internal_value(self, data):
        # `details` may also arrive nested; flatten it into the top level.
        if isinstance(data, dict) and isinstance(data.get("details"), dict):
            data = {**data["details"], **{k: v for k, v in data.items() if k != "details"}}
        return super().to_internal_value(data)



class OrganizationCreateSerializer(OrganizationInputSerializer):
    """POST /v2/organizations: the organization and the plans it starts with (`plans`: plan
    codes or `{plan, interval, ...}`, read once the organization's fields are valid; an error
    names `plans.<i>.<field>`)."""

    plans = serializers.JSONField(required=False, write_only=True)

    def validate(self, attrs):
        from organizations.api.subscription_serializers import plan_requests

        attrs["plans"] = plan_requests(self.initial_data.get("plans") or [], prefix="plans")
        return attrs

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from rest_framework import serializers

from accounts.choices import Role
from accounts.models import User
from accounts.models.user import DETAIL_FIELDS
from config.api.fields import StrictCharField, StrictEmailField
from config.api.permissions import has_role
from config.api.rows import ALIAS, Row, listed_values
from config.api.scoping import ScopedPrimaryKeyRelatedField
from config.api.serializers import ListedRowSerializer, iso_timestamp, relationship
from organizations.models import Organization

from .validators import validate_locale, validate_phone, validate_timezone


def with_organization_name(queryset):
    """For lists: the organization's name as a column, instead of a whole organization joined and
    built for every row (the `organization` block shows only its id and name). A subquery, not a
    join, so that the page's COUNT stays a plain count of users."""
    name = Organization.objects.filter(pk=OuterRef("organization_id")).order_by().values("name")[:1]
    return queryset.select_related(None).annotate(organization_name=Subquery(name))


def organization_block(user):
    if user.organization_id is None:
        return None
    if hasattr(user, "organization_name"):
        return {"id": str(user.organization_id), "name": user.organization_name}
    return {"id": str(user.organization_id), "name": user.organization.name}


# The columns a user resource shows: lists read just these as plain rows (`listed_rows`), not
# whole models (a third of a list request's time went to building and converting 45 columns).
LISTED_COLUMNS = (
    "id", "username", "role", "email", "locale", "timezone", "active_product", "organization_id",
    "organization_name", "confirmed", "created_at", "updated_at", "last_sign_in_at", "last_sign_in_ip",
    "sign_in_count", "otp_totp_enabled", "otp_sms_enabled", "otp_phone", "otp_default_method",
    "first_name", "last_name",
)


class UserRow(Row):
    """A listed user read as a plain row, with the same attributes the serializer reads."""

    two_factor_enabled = User.two_factor_enabled
    incomplete_details = User.incomplete_details


def listed_rows(queryset, details):
    """The list query (organization name annotated) as rows of the shown columns only."""
    return listed_values(with_organization_name(queryset), (*LISTED_COLUMNS, *(DETAIL_FIELDS if details else ())))


class UserSerializer(ListedRowSerializer):
    """The user resource (resources.md). `?details=true` adds the profile block."""

    resource_type = "user"
    relationships = {"organization": ("organization_id", "organization")}

    class Meta:
        model = User
        fields = ("id",)

    def listed(self, row):
        """A listed row (`listed_rows`) as `to_representation` writes a record, straight from the
        row's columns: a page of 100 users is read 100 times."""
        pk, organization_id = row[ALIAS + "id"], row[ALIAS + "organization_id"]
        otp_totp, otp_sms = row["otp_totp_enabled"], row["otp_sms_enabled"]
        attrs = {
            "id": pk, "username": row["username"], "role": row["role"], "email": row["email"],
            "locale": row["locale"], "timezone": row["timezone"], "active_product": row["active_product"] or None,
            "organization": None if organization_id is None else {"id": organization_id, "name": row["organization_name"]},
            "confirmed": row["confirmed"],
            "created_at": row[ALIAS + "created_at"], "updated_at": row[ALIAS + "updated_at"],
            "last_sign_in_at": row[ALIAS + "last_sign_in_at"], "last_sign_in_ip": row["last_sign_in_ip"],
            "sign_in_count": row["sign_in_count"],
            "two_factor_authentication": {
                "enabled": otp_totp or otp_sms, "otp_sms_enabled": otp_sms, "otp_totp_enabled": otp_totp,
                "otp_phone": mask_phone(row["otp_phone"]), "otp_default_method": row["otp_default_method"] or None,
            },
            "incomplete_details": not (row["first_name"] and row["last_name"] and row["email"]),
        }
        context = self.context
        if context.get("details") or context.get("extra_blocks"):
            user = UserRow(row)
            if context.get("details"):
                attrs["details"] = {name: row[name] for name in DETAIL_FIELDS} if self._may_see_details(user) else None
            for block, build in context.get("extra_blocks", {}).items():
                attrs[block] = build(user)
        return {
            "id": pk, "type": "user", "attributes": attrs,
            "relationships": {"organization": {"data": relationship(organization_id, "organization")}},
        }

    def attributes(self, user):
        attrs = {
            "username": user.username, "role": user.role, "email": user.email,
            "locale": user.locale, "timezone": user.timezone, "active_product": user.active_product or None,
            "organization": organization_block(user),
            "confirmed": user.confirmed,
            "created_at": iso_timestamp(user.created_at), "updated_at": iso_timestamp(user.updated_at),
            "last_sign_in_at": iso_timestamp(user.last_sign_in_at), "last_sign_in_ip": user.last_sign_in_ip,
            "sign_in_count": user.sign_in_count,
            "two_factor_authentication": {
                "enabled": user.two_factor_enabled, "otp_sms_enabled": user.otp_sms_enabled,
                "otp_totp_enabled": user.otp_totp_enabled, "otp_phone": mask_phone(user.otp_phone),
                "otp_default_method": user.otp_default_method or None,
            },
            "incomplete_details": user.incomplete_details,
        }
        if self.context.get("details"):
            shown = self._may_see_details(user)
            attrs["details"] = {name: getattr(user, name) for name in DETAIL_FIELDS} if shown else None
        for block, build in self.context.get("extra_blocks", {}).items():
            attrs[block] = build(user)
        return attrs


    def _may_see_details(self, user):
        """Personal details (phone, address...) are for the user themself, the Managers of their
        organization, the partners above it and staff; anyone else gets `details: null`."""
        viewer = self.context.get("user")
        if viewer is None or not getattr(viewer, "is_authenticated", False):
            return False
        if str(viewer.pk) == str(user.id):  # listed rows carry ids as text
            return True
        if not has_role(viewer, "Manager"):
            return False
        if "details_organizations" not in self.context:  # once per response, not per row
            visible = viewer.visible_organization_ids()
            if visible is not None and not isinstance(visible, list):  # a partner's subtree subquery
                visible = visible.values_list("organization_id", flat=True)
            self.context["details_organizations"] = None if visible is None else {str(pk) for pk in visible}
        organizations = self.context["details_organizations"]
        return organizations is None or str(user.organization_id) in organizations


def mask_phone(phone):
    return f"***{phone[-3:]}" if phone else None


class UserInputSerializer(serializers.Serializer):
    """Writable user fields (the seed page's body plus username and role)."""

    email = StrictEmailField(required=False, allow_blank=False, max_length=254)
    organization_id = ScopedPrimaryKeyRelatedField(
        "organizations.Organization", organization_field="pk", required=False, source="organization",
    )
    username = StrictCharField(required=False, max_length=150, validators=[UnicodeUsernameValidator()])
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    first_name = StrictCharField(required=False, allow_blank=True, max_length=150)
    last_name = StrictCharField(required=False, allow_blank=True, max_length=150)
    locale = StrictCharField(required=False, max_length=16, validators=[validate_locale])
    timezone = StrictCharField(required=False, max_length=64, validators=[validate_timezone])
    phone = StrictCharField(required=False, allow_blank=True, max_length=40, validators=[validate_phone])
    mobile_phone = StrictCharField(required=False, allow_blank=True, max_length=40, validators=[validate_phone])
    url = StrictCharField(required=False, allow_blank=True, max_length=255)
    title = StrictCharField(required=False, allow_blank=True, max_length=255)
    address = StrictCharField(required=False, allow_blank=True, max_length=255)
    city = StrictCharField(required=False, allow_blank=True, max_length=120)
    state = StrictCharField(required=False, allow_blank=True, max_length=120)
    country = StrictCharField(required=False, allow_blank=True, max_length=120)
    zipcode = StrictCharField(required=False, allow_blank=True, max_length=32)
    comment = StrictCharField(required=False, allow_blank=True, max_length=10000)

    def validate_email(self, value):
        taken = User.objects.annotate(e=Lower("email")).filter(e=value.lower())
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("has already been taken")
        return value

    def validate_username(self, value):
        taken = User.objects.filter(username__iexact=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("has already been taken")
        return value


class UserCreateSerializer(UserInputSerializer):
    username = StrictCharField(max_length=150, validators=[UnicodeUsernameValidator()])
    email = StrictEmailField(max_length=254)
    password = StrictCharField(required=False, allow_blank=False, write_only=True, max_length=128)


class SelfUpdateSerializer(UserInputSerializer):
    """PUT /v2/user/me: as Users, without organization_id and role."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("organization_id")
        self.fields.pop("role")

"""White-label branding (endpoints.md, Whitelabel and Whitelabel Settings): an organization's
own branding, the platform default, and the effective branding someone sees: field by field,
their organization's own value, else the nearest ancestor's (their partner), else the platform
default's, else the built-in defaults."""

from django.apps import apps
from django.conf import settings
from django.db import transaction

from events.models import Whitelabel

FIELDS = (
    "company_name", "logo", "primary_color", "secondary_color", "support_email", "support_url",
    "custom_domain", "email_sender_name", "email_sender_address", "report_footer",
)


def builtin():
    return {
        "company_name": settings.WHITELABEL_DEFAULT_COMPANY_NAME, "logo": "", "primary_color": "#1f6feb",
        "secondary_color": "#0b1f3a", "support_email": "", "support_url": "", "custom_domain": "",
        "email_sender_name": "", "email_sender_address": "", "report_footer": "",
    }


def ancestry(organization_id):
    """[organization id, parent id, grandparent id, ...] (one query per level)."""
    organization = apps.get_model("organizations", "Organization")
    chain, current = [], organization_id
    while current is not None and current not in chain and len(chain) < 32:
        chain.append(current)
        current = organization.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return chain


def own(organization):
    return Whitelabel.objects.filter(organization=organization).first()


def platform_default():
    return Whitelabel.objects.filter(platform_default=True).first()


def values_of(branding):
    return {name: getattr(branding, name) for name in FIELDS} if branding else {name: "" for name in FIELDS}


def effective(organization_id):
    """{"values": {...}, "source": "organization" | "partner" | "platform" | "default",
    "source_organization_id": id or None} for someone in `organization_id` (None: platform)."""
    chain = ancestry(organization_id) if organization_id else []
    rows = {row.organization_id: row for row in Whitelabel.objects.filter(organization_id__in=chain)} if chain else {}
    layers = [rows[pk] for pk in chain if pk in rows]
    default = platform_default()
    values = builtin()
    for layer in [default, *reversed(layers)]:  # farthest first, so the nearest value wins
        for name in FIELDS:
            if layer is not None and getattr(layer, name):
                values[name] = getattr(layer, name)
    if layers:
        nearest = layers[0]
        source = "organization" if nearest.organization_id == organization_id else "partner"
        return {"values": values, "source": source, "source_organization_id": nearest.organization_id,
                "updated_at": nearest.updated_at}
    if default is not None:
        return {"values": values, "source": "platform", "source_organization_id": None, "updated_at": default.updated_at}
    return {"values": values, "source": "default", "source_organization_id": None, "updated_at": None}


@transaction.atomic
def save(organization, fields, *, platform=False):
    """Create or update branding with the given (validated) fields."""
    lookup = {"platform_default": True} if platform else {"organization": organization}
    branding = Whitelabel.objects.select_for_update().filter(**lookup).first() or Whitelabel(**lookup)
    for name, value in fields.items():
        if name in FIELDS:
            setattr(branding, name, value if value is not None else "")
    branding.save()
    return branding


def reset(organization):
    """Back to the inherited/platform branding; True when there was something to delete."""
    deleted, _ = Whitelabel.objects.filter(organization=organization).delete()
    return bool(deleted)


def domain_taken(domain, organization=None, platform=False):
    taken = Whitelabel.objects.filter(custom_domain__iexact=domain)
    if platform:
        taken = taken.exclude(platform_default=True)
    elif organization is not None:
        taken = taken.exclude(organization=organization)
    return taken.exists()

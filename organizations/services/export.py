"""The organization CSV export: the API, the admin action and `manage.py export_organizations`
all use this, streaming rows so large exports stay in constant memory."""

import csv

from django.db.models import Count

from config.api.timestamps import iso_timestamp

EXPORT_COLUMNS = (
    "id", "name", "company_name", "description", "partner", "parent_organization_id",
    "parent_organization_name", "members_count", "address", "city", "state", "zipcode", "country",
    "phone", "website", "email", "contact_name", "contact_title", "contact_phone", "contact_email",
    "creation_time", "modification_time",
)


def export_rows(queryset):
    """Header, then one list of strings per organization, in the queryset's order (by name when
    it has none)."""
    yield list(EXPORT_COLUMNS)
    rows = queryset.select_related("parent").annotate(members_count=Count("members"))
    if not queryset.query.order_by:
        rows = rows.order_by("name", "id")
    for org in rows.iterator(chunk_size=1000):
        yield [
            str(org.pk), org.name, org.company_name, org.description, "true" if org.partner else "false",
            str(org.parent_id or ""), org.parent.name if org.parent else "", org.members_count,
            org.address, org.city, org.state, org.zipcode, org.country, org.phone, org.website,
            org.email, org.contact_name, org.contact_title, org.contact_phone, org.contact_email,
            iso_timestamp(org.created_at), iso_timestamp(org.updated_at),
        ]


class _Echo:
    def write(self, value):
        return value


def csv_lines(queryset):
    """CSV text, one line at a time (for streaming responses)."""
    writer = csv.writer(_Echo())
    for row in export_rows(queryset):
        yield writer.writerow([_neutralise(cell) for cell in row])


def write_csv(queryset, stream):
    writer = csv.writer(stream)
    for row in export_rows(queryset):
        writer.writerow([_neutralise(cell) for cell in row])


def _neutralise(cell):
    """Spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def record_export(actor, via, count=None):
    """Every export (API, admin action, command) is an `export` audit event (resources.md)."""
    from events.emit import emit

    emit("organizations_exported", None, actor=actor, organization=getattr(actor, "organization", None),
         via=via, **({"count": count} if count is not None else {}))

"""Shared plumbing of the scanning viewsets: product scoping, scoped related-id lookups, the
permission flag some writes need."""

from django.db.models import Q
from rest_framework.permissions import SAFE_METHODS

from accounts.services.permissions import permissions_for
from config.api.errors import Forbidden
from config.api.rows import UUIDText, record_id
from config.api.viewsets import ResourceViewSet
from scanning.models import PortList, Scanner, ScanProfile, Schedule, Target


class ScanningViewSet(ResourceViewSet):
    """Scoping for the scanning resources; combine with the CRUD bases, e.g.
    `class TargetViewSet(BulkDestroyMixin, ModelResourceViewSet, ScanningViewSet)`."""

    product_field = "product"
    write_flag = None  # a permission flag (GET /v2/user/permissions) every write needs

    def shared_or_own(self, queryset):
        """Built-in rows (no organization) plus the caller's visible ones."""
        ids = self.request.user.visible_organization_ids()
        return queryset if ids is None else queryset.filter(Q(organization__isnull=True) | Q(organization_id__in=ids))

    def own(self, queryset):
        """Rows of the caller's own organization and active product: what new records may point at."""
        user = self.request.user
        return queryset.filter(organization_id=user.organization_id, product=user.current_product())

    def respond_list(self, queryset, rows=None):
        # A list reads its joined names in its rows query (scanning/api/rows.py): the page query
        # would only compile the related records' every column for nothing.
        return super().respond_list(queryset.select_related(None), rows)

    def check_write(self):
        flag = self.write_flag
        if flag and not permissions_for(self.request.user, [flag])[flag]:
            raise Forbidden(f"{flag} is required")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # The scoped querysets serve the inputs' related ids (scanning/api/inputs.py): a read has
        # none, and a list builds its context twice, so it would build five querysets for nothing.
        if not self.request.user.is_authenticated or self.request.method in SAFE_METHODS:
            return context
        context["querysets"] = {
            "port_lists": self.shared_or_own(PortList.objects.all()),
            "scanners": self.shared_or_own(Scanner.objects.all()),
            "scan_profiles": ScanProfile.objects.filter(active=True),
            "targets": self.own(Target.objects.all()),
            "schedules": self.own(Schedule.objects.all()),
        }
        return context


def in_use_ids(model_field, records):
    """The ids among `records` (instances or listed rows) that a scan points at (`model_field`:
    "target_id", ...), as text."""
    from scanning.models import Scan

    ids = [record_id(record) for record in records]
    scans = Scan.objects.filter(**{f"{model_field}__in": ids}).order_by()  # each id once, as text from the database
    return set(scans.values_list(UUIDText(model_field), flat=True).distinct())

"""Shared plumbing of the scanning viewsets: product scoping, scoped related-id lookups."""

from django.db.models import Q

from config.api.viewsets import ResourceViewSet
from scanning.models import PortList, Scanner, ScanProfile, Schedule, Target


class ScanningViewSet(ResourceViewSet):
    product_field = "product"

    def shared_or_own(self, queryset):
        """Built-in rows (no organization) plus the caller's visible ones."""
        ids = self.request.user.visible_organization_ids()
        return queryset if ids is None else queryset.filter(Q(organization__isnull=True) | Q(organization_id__in=ids))

    def own(self, queryset):
        """Rows of the caller's own organization and active product: what new records may point at."""
        user = self.request.user
        return queryset.filter(organization_id=user.organization_id, product=user.current_product())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.request.user.is_authenticated:
            return context
        context["querysets"] = {
            "port_lists": self.shared_or_own(PortList.objects.all()),
            "scanners": self.shared_or_own(Scanner.objects.all()),
            "scan_profiles": ScanProfile.objects.filter(active=True),
            "targets": self.own(Target.objects.all()),
            "schedules": self.own(Schedule.objects.all()),
        }
        return context

    def list(self, request, *args, **kwargs):
        return self.respond_list(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())

"""/v2/whitelabel (an organization's own branding; partners, for themselves and their customers)
and /v2/whitelabel_settings (the effective branding; PUT sets the platform default, Admin only)."""

from django.apps import apps
from django.http import Http404
from rest_framework.response import Response

from config.api.errors import InvalidInput
from config.api.uuids import parse_uuid
from config.api.viewsets import ResourceViewSet
from events.api.whitelabel_serializers import WhitelabelInputSerializer, whitelabel_body
from events.models import Whitelabel
from events.services import whitelabel as service


class WhitelabelBase(ResourceViewSet):
    queryset = Whitelabel.objects.all()  # the audit trail watches saves of this model
    serializer_class = input_serializer_class = WhitelabelInputSerializer  # (the schema's request body)
    resource_name = "whitelabel"
    audit_resource_type = "whitelabel"
    organization_field = "organization"

    def _validated_fields(self, organization=None, platform=False):
        data = self.validated(partial=True)
        domain = data.get("custom_domain")
        if domain and service.domain_taken(domain, organization, platform=platform):
            raise InvalidInput.field("custom_domain", "has already been taken")
        return data

    def _audit(self, resource_id, organization_id):
        self.request._request.audit_resource = {"id": resource_id, "organization_id": organization_id}


class WhitelabelViewSet(WhitelabelBase):
    read_role = "Partner"
    write_role = "Partner"

    def _organization(self):
        """The caller's organization, or `organization_id` among those it can see (404 otherwise)."""
        raw = self.request.query_params.get("organization_id") or (
            self.payload().get("organization_id") if self.request.method != "GET" else None)
        model = apps.get_model("organizations", "Organization")
        if not raw:
            return model.objects.get(pk=self.request.user.organization_id)
        organization = self.scope(model.objects.all(), "pk").filter(pk=parse_uuid(raw)).first() if parse_uuid(raw) else None
        if organization is None:
            raise Http404
        return organization

    def _body(self, organization):
        branding = service.own(organization)
        return {"data": whitelabel_body(
            organization.pk, service.values_of(branding), organization_id=organization.pk, source="organization",
            configured=branding is not None, updated_at=branding.updated_at if branding else None,
        )}

    def list(self, request):
        return Response(self._body(self._organization()))

    def update_collection(self, request):
        organization = self._organization()
        service.save(organization, self._validated_fields(organization))
        self._audit(organization.pk, organization.pk)
        return Response(self._body(organization))

    def bulk_destroy(self, request):
        organization = self._organization()
        service.reset(organization)
        self._audit(organization.pk, organization.pk)
        return Response({})


class WhitelabelSettingsViewSet(WhitelabelBase):
    read_role = "Viewer"
    write_role = "Admin"

    def list(self, request):
        organization_id = request.user.organization_id
        effective = service.effective(organization_id)
        return Response({"data": whitelabel_body(
            organization_id, effective["values"], organization_id=effective["source_organization_id"],
            source=effective["source"], configured=effective["source"] != "default", updated_at=effective["updated_at"],
        )})

    def update_collection(self, request):
        branding = service.save(None, self._validated_fields(platform=True), platform=True)
        self._audit(branding.pk, None)
        return Response({"data": whitelabel_body(
            branding.pk, service.values_of(branding), organization_id=None, source="platform", configured=True,
            updated_at=branding.updated_at,
        )})

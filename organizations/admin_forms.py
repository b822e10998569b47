"""The organization admin form: saved by the organization services, as the API saves it
(config/admin_forms.py): no organization becomes a child of itself or of its own descendant,
a parent is a partner (or the staff organization), and only platform Admins set `partner`."""

from config.admin_forms import ServiceModelForm
from organizations.models import Organization
from organizations.services import create_organization, update_organization


class OrganizationForm(ServiceModelForm):
    error_fields = {"parent_organization": "parent"}

    class Meta:
        model = Organization
        fields = "__all__"

    def persist(self, actor, original):
        fields = self.model_fields(original)
        if original is None:
            if not fields.get("partner"):  # an unticked box is not a request to set it
                fields.pop("partner", None)
            return create_organization(actor, fields)
        return update_organization(actor, original, fields)

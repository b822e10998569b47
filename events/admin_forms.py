"""The webhook admin form: saved by the webhook service (URL checks, partner-only customer
events, the secret encrypted at rest), as the API saves it (config/admin_forms.py)."""

from django import forms

from config.admin_forms import ServiceModelForm
from events.models import Webhook
from events.services import webhooks as webhook_service


class WebhookForm(ServiceModelForm):
    new_secret = forms.CharField(
        required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text="Sets the signing secret (stored encrypted, never shown). Leave empty to keep the current one.",
    )
    clear_secret = forms.BooleanField(required=False, help_text="Remove the secret (deliveries go unsigned).")
    url = forms.URLField(max_length=2000, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = ("name", "organization", "url", "events", "active", "include_customers")

    def persist(self, actor, original):
        fields = self.model_fields(original)
        organization = fields.pop("organization", None)
        if self.cleaned_data.get("new_secret"):
            fields["secret"] = self.cleaned_data["new_secret"]
        elif self.cleaned_data.get("clear_secret"):
            fields["secret"] = ""
        if original is None:
            return webhook_service.create_webhook(actor, organization, fields)
        return webhook_service.update_webhook(actor, original, fields)

"""Admin change forms that keep the API's rules: a save goes through the same service function.

A `ServiceModelForm` says how it saves (`persist(actor, original)`: the service call the API
makes). Its clean() runs that call once inside a savepoint that is always rolled back, so every
domain error (bad hosts, a plan limit, a cycle, an unsafe URL) becomes a form error on the field
it names, before anything is written; `ServiceAdminMixin.save_model` then makes the call for real.
Running the real service (not a copy of its checks) is the point: a rule added to the service is
kept by the admin the same day. Events the service emits wait for the commit, so the rolled-back
trial emits nothing."""

from django import forms
from django.db import transaction

from config.api.errors import DomainError


class _TrialOver(Exception):
    """Raised to roll back the trial run of the service."""


class ServiceModelForm(forms.ModelForm):
    # The service names some errors by their API field (`parent_organization`, `number_of_ips`):
    # the form field they belong on.
    error_fields = {}
    actor = None  # the signed-in staff user, set per request by ServiceAdminMixin.get_form

    def persist(self, actor, original):
        """Save through the service and return the saved instance. `original` is the row as
        stored (None when adding); `self.model_fields(original)` are the values to apply."""
        raise NotImplementedError

    def model_fields(self, original):
        """The model fields of the form: all of them when adding, the changed ones otherwise."""
        names = {field.name for field in self._meta.model._meta.fields}
        return {
            name: value for name, value in self.cleaned_data.items()
            if name in names and (original is None or name in self.changed_data)
        }

    def stored_original(self):
        if self.instance._state.adding:
            return None
        return type(self.instance)._default_manager.get(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if not self._errors:
            self._trial_run()
        return cleaned

    def _trial_run(self):
        try:
            with transaction.atomic():
                self.persist(self.actor, self.stored_original())
                raise _TrialOver
        except _TrialOver:
            pass
        except DomainError as error:
            self.add_domain_error(error)

    def add_domain_error(self, error):
        if not error.errors:
            self.add_error(None, error.message)
        for name, messages in error.errors.items():
            field = self.error_fields.get(name, name)
            if field in self.fields:
                self.add_error(field, list(messages))
            else:
                self.add_error(None, [f"{name} {message}" for message in messages])


class ServiceAdminMixin:
    """For a ModelAdmin whose form is a ServiceModelForm: the save is the service's."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # a new form class per request: not shared between requests
        return form

    def save_model(self, request, obj, form, change):
        saved = form.persist(request.user, form.stored_original())
        adopt(obj, saved)


def adopt(obj, saved):
    """Make the admin's `obj` the row the service saved (a create service builds its own
    instance): the admin logs, redirects and saves inlines with `obj`."""
    if obj is saved:
        return
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db
    obj.refresh_from_db()

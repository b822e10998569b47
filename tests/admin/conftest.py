"""Admin fixtures: a signed-in staff client, plus the scanning fixtures (plans, subscriptions,
built-in port lists) the target and schedule forms need."""

import pytest
from django.test import Client

from tests.scanning.conftest import builtins, catalogue, subscribed  # noqa: F401 - fixtures


@pytest.fixture
def staff(world):
    """The test client signed in to the admin as the platform Admin."""
    client = Client()
    client.force_login(world.admin)
    return client


def form_errors(response):
    """{field: [messages]} of the admin form a refused save re-rendered (None: not refused)."""
    form = response.context["adminform"].form if response.context and "adminform" in response.context else None
    return None if form is None else {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def admin_save(client, url, data):
    """POST an admin add/change form as the browser would: the fields given, each inline
    formset present but untouched (no forms), the plain Save button."""
    page = client.get(url)
    assert page.status_code == 200, url
    payload = {"_save": "Save", **data}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        payload.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return client.post(url, payload)


def saved(response):
    """The admin redirects after a successful save and re-renders the form when it refuses."""
    return response.status_code == 302

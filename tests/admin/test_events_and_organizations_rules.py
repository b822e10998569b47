"""Webhooks and organizations saved in the admin keep the rules the API keeps."""

from config import crypto
from events.models import Webhook

from .conftest import admin_save, form_errors, saved


def webhook_data(world, **overrides):
    return {"name": "SIEM", "organization": str(world.customer.pk), "url": "https://93.184.215.14/hook",
            "events": '["scan_completed"]', "active": "on", "new_secret": "", **overrides}


def test_a_webhook_to_a_metadata_address_is_refused(staff, world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # metadata addresses stay refused even then
    response = admin_save(staff, "/admin/events/webhook/add/", webhook_data(world, url="http://169.254.169.254/latest/"))
    assert list(form_errors(response)) == ["url"]
    assert not Webhook.objects.exists()


def test_a_webhook_secret_is_stored_encrypted(staff, world):
    response = admin_save(staff, "/admin/events/webhook/add/", webhook_data(world, new_secret="s3cret-value"))
    assert saved(response), form_errors(response)
    hook = Webhook.objects.get(name="SIEM")
    assert hook.created_by == world.admin
    assert "s3cret-value" not in hook.secret_encrypted
    assert crypto.decrypt(hook.secret_encrypted) == "s3cret-value"


def test_changing_a_webhook_keeps_or_clears_its_secret(staff, world):
    hook = Webhook.objects.create(organization=world.customer, name="SIEM", url="https://93.184.215.14/h",
                                  events=["ping"], secret_encrypted=crypto.encrypt("kept"))
    url = f"/admin/events/webhook/{hook.pk}/change/"
    assert saved(admin_save(staff, url, webhook_data(world, name="Renamed")))
    hook.refresh_from_db()
    assert (hook.name, crypto.decrypt(hook.secret_encrypted)) == ("Renamed", "kept")
    assert saved(admin_save(staff, url, webhook_data(world, clear_secret="on")))
    hook.refresh_from_db()
    assert hook.secret_encrypted == ""


def test_only_partners_receive_their_customers_events(staff, world):
    response = admin_save(staff, "/admin/events/webhook/add/", webhook_data(world, include_customers="on"))
    assert "partner organizations" in form_errors(response)["include_customers"][0]
    partner = admin_save(staff, "/admin/events/webhook/add/",
                         webhook_data(world, organization=str(world.partner_org.pk), include_customers="on"))
    assert saved(partner), form_errors(partner)


def organization_data(organization, **overrides):
    data = {name: getattr(organization, name) or "" for name in (
        "name", "company_name", "description", "address", "city", "state", "zipcode", "country", "phone",
        "website", "email", "contact_name", "contact_title", "contact_phone", "contact_email")}
    data.update(parent=str(organization.parent_id or ""), partner="on" if organization.partner else "")
    data.update(overrides)
    return {name: value for name, value in data.items() if value != ""}


def test_an_organization_cannot_become_a_child_of_its_descendant(staff, world):
    url = f"/admin/organizations/organization/{world.partner_org.pk}/change/"
    response = admin_save(staff, url, organization_data(world.partner_org, parent=str(world.customer.pk)))
    assert "would create a cycle" in form_errors(response)["parent"][0]
    world.partner_org.refresh_from_db()
    assert world.partner_org.parent_id is None


def test_an_organization_cannot_be_its_own_parent(staff, world):
    url = f"/admin/organizations/organization/{world.customer.pk}/change/"
    response = admin_save(staff, url, organization_data(world.customer, parent=str(world.customer.pk)))
    assert "parent" in form_errors(response)


def test_a_parent_must_be_a_partner(staff, world):
    url = f"/admin/organizations/organization/{world.customer.pk}/change/"
    response = admin_save(staff, url, organization_data(world.customer, parent=str(world.other_org.pk)))
    assert "is not a partner organization" in form_errors(response)["parent"][0]
    world.customer.refresh_from_db()
    assert world.customer.parent == world.partner_org


def test_a_customer_moves_between_partners_and_the_tree_follows(staff, world):
    from organizations.services.tree import is_within
    from tests.factories import OrganizationFactory

    new_partner = OrganizationFactory(name="New Partner", partner=True)
    url = f"/admin/organizations/organization/{world.customer.pk}/change/"
    response = admin_save(staff, url, organization_data(world.customer, parent=str(new_partner.pk)))
    assert saved(response), form_errors(response)
    assert is_within(world.customer.pk, new_partner.pk)
    assert not is_within(world.customer.pk, world.partner_org.pk)


def test_a_new_organization_is_created_by_the_service(staff, world):
    from organizations.models import Organization

    response = admin_save(staff, "/admin/organizations/organization/add/",
                          {"name": "Fresh Customer", "company_name": "Fresh Ltd", "parent": str(world.partner_org.pk)})
    assert saved(response), form_errors(response)
    created = Organization.objects.get(name="Fresh Customer")
    assert created.parent == world.partner_org
    assert staff.get(response["Location"]).status_code == 200
    refused = admin_save(staff, "/admin/organizations/organization/add/",
                         {"name": "Under a customer", "company_name": "X", "parent": str(world.customer.pk)})
    assert "is not a partner organization" in form_errors(refused)["parent"][0]
